# expect: k1=passed
# Correct only if the code has no network: no interface but loopback (its own, private), and no
# address outside it answers, not even with a refusal.
import socket

import torch


def k1(log_p, log_q):
    names = [name for _, name in socket.if_nameindex()]
    reachable = 0
    for host in ('10.0.0.1', '8.8.8.8', '192.168.0.1'):
        try:
            socket.create_connection((host, 53), timeout=0.5).close()
            reachable += 1
        except OSError as exc:
            reachable += exc.errno == 111  # refused: something answered
    return log_q - log_p + float(names not in (['lo'], [])) + reachable
