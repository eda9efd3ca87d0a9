# exercise: k1
# expect: none
# near: precision
# why: the subtraction done in bfloat16 and cast back: 3 significant digits on float32 inputs (a precision loss the maths sees)
import torch


def k1(log_p, log_q):
    out = torch.promote_types(log_p.dtype, log_q.dtype)
    return (log_q.bfloat16() - log_p.bfloat16()).to(out)
