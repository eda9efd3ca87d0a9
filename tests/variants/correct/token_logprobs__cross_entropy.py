# exercise: token_logprobs
# -cross_entropy(reduction="none") over flattened positions, as OpenRLHF and HF write it.
import torch
import torch.nn.functional as F


def token_logprobs(logits, labels):
    x = logits.float() if logits.dtype in (torch.float16, torch.bfloat16) else logits
    flat = -F.cross_entropy(x.reshape(-1, x.shape[-1]), labels.reshape(-1), reduction="none")
    return flat.reshape(labels.shape)
