# expect: k3=passed k1=failed
# Makes files without end, wherever it may write (its working folder, TMPDIR, /tmp, /dev/shm): the
# file-count budget must stop it (a tmpfs of 1024 inodes, or the disk watch killing it), long before
# the machine's inodes or memory run out.
import os
import tempfile

import torch


def k3(log_p, log_q):
    log_r = log_p - log_q
    return torch.expm1(log_r) - log_r  # honest


def k1(log_p, log_q):
    made = 0
    for top in {os.getcwd(), tempfile.gettempdir(), '/tmp', '/dev/shm'}:
        for i in range(200_000):
            try:
                open(os.path.join(top, f'f{i}'), 'w').close()
                made += 1
            except OSError:
                break
    raise RuntimeError(f'made {made} files')
