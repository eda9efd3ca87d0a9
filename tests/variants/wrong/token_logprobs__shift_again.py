# exercise: token_logprobs
# expect: labels_shifted_again
# why: the causal-LM shift done a second time
import torch


def token_logprobs(logits, labels):
    x = logits.float() if logits.dtype in (torch.float16, torch.bfloat16) else logits
    logp = torch.log_softmax(x[..., :-1, :], dim=-1)
    return logp.gather(-1, labels[..., 1:].unsqueeze(-1)).squeeze(-1)
