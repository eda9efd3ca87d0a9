"""Reference solution: the exact KL(P || Q) between two categorical distributions given by logits."""

import torch


def exact_kl(logits_p: torch.Tensor, logits_q: torch.Tensor) -> torch.Tensor:
    log_p = torch.log_softmax(logits_p, dim=-1)  # stable: never softmax(...).log(), which underflows to -inf
    log_q = torch.log_softmax(logits_q, dim=-1)
    return (log_p.exp() * (log_p - log_q)).sum(dim=-1)  # sum over the vocabulary, weighted by P
