# exercise: exact_kl
# expect: logits_not_normalised
# why: uses the logits as log-probabilities (no log_softmax): wrong unless both are normalised
import torch


def exact_kl(logits_p, logits_q):
    return (torch.softmax(logits_p, -1) * (logits_p - logits_q)).sum(-1)
