# expect: k1=passed dpo_loss=failed gae=failed adaptive_kl_controller=failed masked_rewards_kl=failed
# message: adaptive_kl_controller: not a number
# Track 3's tuples and objects: a tuple that changes between looks, a list of the wrong length, a .value
# that is not a number, and a result that is a tuple where one tensor is asked for.
import torch


def k1(log_p, log_q):
    return log_q - log_p  # honest


class Shifty(tuple):
    """Tensors when counted and checked, something else when iterated again."""
    looks = 0

    def __iter__(self):
        Shifty.looks += 1
        if Shifty.looks % 2:
            return super().__iter__()
        return iter([object(), object(), object()])

    def __len__(self):
        return 3


def dpo_loss(policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps, beta):
    z = beta * ((policy_chosen_logps - ref_chosen_logps) - (policy_rejected_logps - ref_rejected_logps))
    return Shifty((-torch.nn.functional.logsigmoid(z) * 0 + 1e6, z.detach(), z.detach()))  # wrong values anyway


def gae(rewards, values, mask, gamma, lam):
    return [rewards, values, mask, rewards]  # four, not two


def masked_rewards_kl(reward, ref_logprobs, old_logprobs, mask, kl_ctl):
    return (ref_logprobs, old_logprobs)  # a tuple where one tensor is asked for


class AdaptiveKLController:
    def __init__(self, init_kl_coef, target, horizon):
        if target <= 0 or horizon <= 0:
            raise ValueError("bad")

    @property
    def value(self):
        return True  # a bool passes float(), but it is not a coefficient: refused

    def update(self, current_kl, n_steps):
        return None
