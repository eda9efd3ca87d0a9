# exercise: rloo_advantages
# expect: rloo_wrong_divisor
# near: rloo_group_of_one
# why: the leave-one-out sum divided by n (no 0 / 0 at n = 1, where a group of one then keeps its reward, as verl's)
import torch


def rloo_advantages(rewards):
    n = rewards.shape[-1]
    others = rewards.sum(-1, keepdim=True) - rewards
    return rewards - others / n
