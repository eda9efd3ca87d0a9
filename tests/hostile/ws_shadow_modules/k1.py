# expect: k1=passed
# An honest workspace that happens to hold files named like modules the grader uses (json, random,
# torch, pytest, grader): they must change nothing, neither in the judge nor for the learner's code.
import json
import random

import torch


def k1(log_p, log_q):
    assert json.dumps([1]) == "[1]" and random.random() < 1.0 and torch.ones(1).item() == 1.0
    return log_q - log_p
