# exercise: exact_kl
# expect: sign_flipped
# why: sum P (log Q - log P)
import torch


def exact_kl(logits_p, logits_q):
    lp, lq = logits_p.log_softmax(-1), logits_q.log_softmax(-1)
    return torch.einsum("...v,...v->...", lp.exp(), lq - lp)
