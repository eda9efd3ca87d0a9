# exercise: token_logprobs
# expect: logits_not_normalised
# why: the label's logit, never normalised
import torch


def token_logprobs(logits, labels):
    x = logits.float() if logits.dtype in (torch.float16, torch.bfloat16) else logits
    return x.gather(-1, labels.unsqueeze(-1)).squeeze(-1)
