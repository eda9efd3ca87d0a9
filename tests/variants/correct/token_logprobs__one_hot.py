# exercise: token_logprobs
# A one-hot mask over the vocabulary instead of gather; the max subtracted by hand.
import torch
import torch.nn.functional as F


def token_logprobs(logits, labels):
    x = logits.to(torch.promote_types(logits.dtype, torch.float32))
    shifted = x - x.amax(dim=-1, keepdim=True).detach()
    logp = shifted - shifted.exp().sum(-1, keepdim=True).log()
    return (logp * F.one_hot(labels, num_classes=x.shape[-1]).to(x.dtype)).sum(-1)
