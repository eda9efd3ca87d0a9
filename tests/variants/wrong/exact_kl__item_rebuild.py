# exercise: exact_kl
# expect: detached
# why: values read with .tolist() and rebuilt: right values, no graph
import torch


def exact_kl(logits_p, logits_q):
    lp, lq = logits_p.log_softmax(-1), logits_q.log_softmax(-1)
    kl = (lp.exp() * (lp - lq)).sum(-1)
    return torch.tensor(kl.tolist(), dtype=kl.dtype, device=kl.device)
