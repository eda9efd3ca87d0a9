# exercise: is_weights
# misses: weight_padding
# expect: is_padding_not_zero
# style: TRL's GRPOTrainer vLLM correction (f2cd577, grpo_trainer.py:2579-2623): the log-prob difference times the
#   mask before exp, under no_grad, so a token weight is 1 at padding and a sequence weight covers its row; the
#   (B, 1) sequence weights expanded to (B, T) and a geometric level added (TRL's importance_sampling_level's mean)
import torch


def is_weights(logp_train, logp_rollout, mask, cap, level, mode):
    with torch.no_grad():
        per_token_logps_diff = (logp_train - logp_rollout) * mask
        if level == "token":
            logps_diff = per_token_logps_diff
        elif level == "sequence":
            logps_diff = per_token_logps_diff.sum(dim=-1, keepdim=True)
        elif level == "geometric":
            logps_diff = per_token_logps_diff.sum(dim=-1, keepdim=True) / mask.sum(-1, keepdim=True).clamp(min=1.0)
        else:
            raise ValueError(f"Unknown importance sampling level: {level}. Possible values are 'token', 'sequence' "
                             "and 'geometric'.")
        ratio = torch.exp(logps_diff)
        if mode == "truncate":
            ratio = torch.clamp(ratio, max=cap)
        elif mode == "mask":
            ratio = ratio.masked_fill(ratio > cap, value=0.0)
        else:
            raise ValueError(f"Unknown vLLM importance sampling mode: {mode}. Possible values are 'truncate' and "
                             "'mask'.")
        return ratio.expand_as(logp_train)
