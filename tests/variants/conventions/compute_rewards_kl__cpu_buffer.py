# exercise: compute_rewards_kl
# misses: device
# expect: wrong_device
# why: a result buffer created without device=
import torch


def compute_rewards_kl(reward, ref_logprobs, old_logprobs, kl_ctl):
    out = torch.zeros(old_logprobs.shape, dtype=old_logprobs.dtype)  # on the CPU, whatever the inputs' device
    out[:] = -kl_ctl * (old_logprobs - ref_logprobs)
    out[:, -1] += reward[:, 0]
    return out
