# exercise: token_logprobs
# misses: precision
# expect: no_upcast
# why: log_softmax in the logits' bf16, cast to float32 afterwards (the dtype is right, the digits not)
import torch


def token_logprobs(logits, labels):
    logp = torch.log_softmax(logits, dim=-1).gather(-1, labels.unsqueeze(-1)).squeeze(-1)
    return logp.float() if logp.dtype in (torch.float16, torch.bfloat16) else logp
