# exercise: compute_rewards_kl
# expect: numpy_round_trip
# why: a numpy round trip (no bfloat16, CPU only)
import torch


def compute_rewards_kl(reward, ref_logprobs, old_logprobs, kl_ctl):
    import numpy as np
    out = -kl_ctl * (old_logprobs.numpy() - ref_logprobs.numpy())
    out[:, -1] += reward.numpy()[:, 0]
    return torch.from_numpy(out)
