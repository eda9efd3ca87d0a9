# expect: k1=passed k3=failed
# Replies of its own on every pipe, many, with ids it guesses, before the real one.
import json
import os
import stat
import struct

import torch


def k1(log_p, log_q):
    return log_q - log_p  # honest


def k3(log_p, log_q):
    for i in range(200):
        header = json.dumps({'tree': {'id': i, 'ok': True, 'out': 1.0, 'requires_grad': False},
                             'tensors': [], 'sizes': []}).encode()
        for fd in range(3, 64):
            try:
                if stat.S_ISFIFO(os.fstat(fd).st_mode):
                    os.write(fd, struct.pack('>QQ', len(header), 0) + header)
            except OSError:
                pass
    return torch.zeros_like(log_p)
