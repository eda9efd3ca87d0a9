# exercise: token_logprobs
# misses: extremes
# expect: softmax_then_log
# why: probabilities first, then log: underflows to -inf far from the top token
import torch


def token_logprobs(logits, labels):
    x = logits.float() if logits.dtype in (torch.float16, torch.bfloat16) else logits
    probs = torch.softmax(x, dim=-1)
    return torch.log(probs.gather(-1, labels.unsqueeze(-1)).squeeze(-1))
