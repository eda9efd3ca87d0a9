# exercise: token_logprobs
# misses: precision, result_dtype
# expect: logprobs_downcast
# why: .float() on every input, float64 included
import torch


def token_logprobs(logits, labels):
    return torch.log_softmax(logits.float(), -1).gather(-1, labels.unsqueeze(-1)).squeeze(-1)
