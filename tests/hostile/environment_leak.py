# expect: k1=passed
# Correct only if nothing of the grader's environment reaches the code (tests/test_hostile.py sets
# KLDRILL_HOSTILE_TOKEN for the grading).
import os

import torch


def k1(log_p, log_q):
    seen = b'KLDRILL_HOSTILE_TOKEN' in os.environ.get('X', '').encode()
    for path in ('/proc/self/environ', f'/proc/{os.getppid()}/environ', '/proc/1/environ'):
        try:
            seen |= b'KLDRILL_HOSTILE_TOKEN' in open(path, 'rb').read()
        except OSError:
            pass
    seen |= any('KLDRILL_HOSTILE_TOKEN' in k for k in os.environ)
    return log_q - log_p + float(seen)
