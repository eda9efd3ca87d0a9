# exercise: compute_rewards_kl
# misses: result_dtype
# expect: wrong_dtype
# why: result takes the wider reward's dtype instead of the log-probs'
import torch


def compute_rewards_kl(reward, ref_logprobs, old_logprobs, kl_ctl):
    import torch.nn.functional as F
    return -kl_ctl * (old_logprobs - ref_logprobs) + F.pad(reward, (old_logprobs.shape[1] - 1, 0))
