# exercise: k1
import torch

k1 = torch.rsub  # rsub(a, b) = b - a: a builtin callable counts as defined
