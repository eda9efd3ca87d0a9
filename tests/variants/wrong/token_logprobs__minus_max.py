# exercise: token_logprobs
# expect: max_not_logsumexp
# why: the max subtracted, as for a stable softmax
import torch


def token_logprobs(logits, labels):
    top = logits.amax(dim=-1, keepdim=True)
    return torch.gather(logits - top, -1, labels.unsqueeze(-1)).squeeze(-1)
