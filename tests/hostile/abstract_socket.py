# expect: k1=passed
# Correct only if no abstract Unix socket outside the submission answers (no file, so no permission
# check: without a network namespace they are the host's; tests/test_hostile.py listens on one).
import socket

import torch


def _names():
    try:
        lines = open('/proc/net/unix').read().splitlines()[1:]
    except OSError:
        lines = []
    for line in lines:
        parts = line.split()
        if len(parts) >= 8 and parts[7].startswith('@'):
            yield '\0' + parts[7][1:]
    yield '\0kldrill-hostile-listener'


def k1(log_p, log_q):
    answered = 0
    for name in set(_names()):
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(0.5)
                s.connect(name)
                answered += 1
        except OSError:
            pass
    return log_q - log_p + answered
