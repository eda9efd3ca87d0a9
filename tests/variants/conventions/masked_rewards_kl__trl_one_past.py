# exercise: masked_rewards_kl
# misses: empty, score_position
# expect: score_off_by_one
# also: empty_row_scored
# style: TRL's PPO (trl.experimental.ppo, f2cd577): log-probs at padding set to INVALID_LOGPROB = 1 on both sides (so
#   the KL is 0 there), the score added at sequence_length + 1 when it fits (one past the last real token, a known
#   quirk: trl #1893, #3750), an empty row's score at column 0
import torch


def masked_rewards_kl(reward, ref_logprobs, old_logprobs, mask, kl_ctl):
    T = mask.shape[1]
    last = mask.sum(1).long() - 1
    padding = torch.arange(T, device=mask.device)[None] > last[:, None]
    kl = torch.masked_fill(old_logprobs, padding, 1.0) - torch.masked_fill(ref_logprobs, padding, 1.0)
    rewards = -kl_ctl * kl
    end = torch.where(last + 1 < T, last + 1, last)
    rewards[torch.arange(rewards.size(0), device=mask.device), end] += reward[:, 0].to(rewards.dtype)
    return rewards
