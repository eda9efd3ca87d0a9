# exercise: k2
# expect: none
# near: result_dtype
# why: the result cast to float16 whatever the inputs: float32 and float64 results lose their digits
import torch


def k2(log_p, log_q):
    return ((log_p - log_q) ** 2 / 2).half()
