# exercise: compute_rewards_kl
# expect: stateful
# why: state across calls (the first reward of each shape reused)
import torch

_scores = {}


def compute_rewards_kl(reward, ref_logprobs, old_logprobs, kl_ctl):
    scores = _scores.setdefault((tuple(reward.shape), reward.dtype), reward.clone())
    rewards = -kl_ctl * (old_logprobs - ref_logprobs)
    rewards[:, -1] += scores[:, 0]
    return rewards
