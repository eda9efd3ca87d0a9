# exercise: token_logprobs
# expect: logprobs_sign_flipped
# why: F.nll_loss per token: the negative log-prob
import torch
import torch.nn.functional as F


def token_logprobs(logits, labels):
    logp = F.log_softmax(logits, dim=-1)
    flat = F.nll_loss(logp.reshape(-1, logp.shape[-1]), labels.reshape(-1), reduction="none")
    return flat.reshape(labels.shape)
