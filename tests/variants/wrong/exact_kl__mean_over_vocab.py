# exercise: exact_kl
# expect: kl_mean_not_sum
# why: torch.mean over the vocabulary
import torch


def exact_kl(logits_p, logits_q):
    lp, lq = torch.log_softmax(logits_p, -1), torch.log_softmax(logits_q, -1)
    return torch.mean(torch.exp(lp) * (lp - lq), dim=-1)
