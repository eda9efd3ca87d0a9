"""Reference solution: per-token log-probabilities from logits."""

import torch


def token_logprobs(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    # Half-precision logits are upcast first: log_softmax in bf16 is off by ~1% of the logits' size.
    if logits.dtype in (torch.float16, torch.bfloat16):
        logits = logits.float()
    # log_softmax is logits - logsumexp (stable); softmax(...).log() would underflow to -inf.
    return torch.log_softmax(logits, dim=-1).gather(-1, labels.unsqueeze(-1)).squeeze(-1)
