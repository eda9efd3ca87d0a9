# exercise: k1
import torch

import functools


def _diff(a, b, sign):
    return sign * (a - b)


k1 = functools.partial(_diff, sign=-1)
