# exercise: token_logprobs
# expect: gather_wrong_dim
# why: gather(1, ...) copied from (B, V) code, applied to (B, T, V)
import torch


def token_logprobs(logits, labels):
    x = logits.float() if logits.dtype in (torch.float16, torch.bfloat16) else logits
    logp = torch.log_softmax(x, dim=-1)
    if logp.dim() == 2:
        return logp.gather(1, labels.unsqueeze(1)).squeeze(1)
    return logp.gather(1, labels.unsqueeze(-1).clamp(max=logp.shape[1] - 1)).squeeze(-1)
