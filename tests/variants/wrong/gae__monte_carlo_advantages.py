# exercise: gae
# expect: lam_ignored
# why: advantages as the discounted reward-to-go minus V (a cumsum on flipped rows)
import torch


def gae(rewards, values, mask, gamma, lam):
    T = rewards.shape[1]
    disc = gamma ** torch.arange(T, dtype=rewards.dtype, device=rewards.device)
    r = rewards * mask * disc
    togo = r.flip(1).cumsum(1).flip(1) / disc
    adv = (togo - values) * mask
    return adv, (adv + values) * mask
