# expect: dpo_loss=passed
# missed: dpo_loss=detach
# dpo_loss whose implicit rewards are not detached (gradients flow through them), with the worker's
# reply rewritten to claim they are. Right maths (passed), but the convention `detach` is missed: the
# judge asks for a gradient through the rewards alone and reads its values itself, whatever the reply claims.
import sys

import torch
import torch.nn.functional as F


def _forge():
    wire = sys.modules.get('grader.isolation.wire')
    if wire is None or getattr(wire, '_forged', False):
        return
    send = wire.send

    def forged(fd, obj, *args, **kwargs):
        if isinstance(obj, dict) and obj.get('ok') and isinstance(obj.get('requires_grad'), list):
            obj = dict(obj, requires_grad=[True] + [False] * (len(obj['requires_grad']) - 1))
        return send(fd, obj, *args, **kwargs)

    wire.send = forged
    wire._forged = True


def dpo_loss(policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps, beta):
    _forge()
    chosen = policy_chosen_logps - ref_chosen_logps
    rejected = policy_rejected_logps - ref_rejected_logps
    losses = -F.logsigmoid(beta * (chosen - rejected))
    return losses, beta * chosen, beta * rejected  # not detached
