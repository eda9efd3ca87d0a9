# expect: k1=passed k3=failed
# Talk to the zygote directly: ask it to kill every pid (the judge among them).
import glob
import json
import os
import socket

import torch


def k1(log_p, log_q):
    return log_q - log_p  # honest


def k3(log_p, log_q):
    for address in glob.glob('/tmp/kldrill-*/zygote.sock'):
        for pid in os.listdir('/proc'):
            if pid.isdigit():
                try:
                    with socket.socket(socket.AF_UNIX) as conn:
                        conn.settimeout(0.5)
                        conn.connect(address)
                        conn.sendall(json.dumps({'op': 'kill', 'pid': int(pid)}).encode())
                        conn.recv(64)
                except OSError:
                    pass
    return torch.zeros_like(log_p)
