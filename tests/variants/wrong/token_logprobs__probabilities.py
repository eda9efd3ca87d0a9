# exercise: token_logprobs
# expect: probs_not_logprobs
# why: the softmax's entry for the label
import torch


def token_logprobs(logits, labels):
    return torch.take_along_dim(logits.softmax(-1), labels[..., None], dim=-1)[..., 0]
