# exercise: token_logprobs
# verl's memory-saving style: the label's logit minus the logsumexp, with take_along_dim.
import torch


def token_logprobs(logits, labels):
    x = logits.float() if logits.element_size() < 4 else logits
    picked = torch.take_along_dim(x, labels.unsqueeze(-1), dim=-1).squeeze(-1)
    return picked - torch.logsumexp(x, dim=-1)
