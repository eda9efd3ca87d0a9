# exercise: token_logprobs
# misses: precision, result_dtype, empty
# expect: no_upcast
# style: TRL's selective_log_softmax (f2cd577) and verl's torch path: x_y - logsumexp(x) for float32/64, a per-row
#   log_softmax in the logits' own dtype for bf16 (bf16 log-probs back), rows stacked (torch.stack([]) on B = 0)
import torch


def token_logprobs(logits, labels):
    if logits.dtype in (torch.float32, torch.float64):
        picked = logits.gather(-1, labels.unsqueeze(-1)).squeeze(-1)
        norm = torch.stack([torch.logsumexp(row, dim=-1) for row in logits])
        return picked - norm
    rows = [torch.log_softmax(row, dim=-1).gather(-1, lab.unsqueeze(-1)).squeeze(-1) for row, lab in zip(logits, labels)]
    return torch.stack(rows)
