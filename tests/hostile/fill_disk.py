# expect: k3=passed k1=failed
# Writes 4 MiB at a time, each file just under the 16 MiB file limit, up to 2 GiB in all, wherever it
# may: the disk budget (64 MiB) must stop it, in the sandbox's /tmp (RAM, outside RLIMIT_AS) as on disk.
import os
import tempfile

import torch


def k3(log_p, log_q):
    log_r = log_p - log_q
    return torch.expm1(log_r) - log_r  # honest


def k1(log_p, log_q):
    chunk, written = b'\0' * (4 << 20), 0
    for top in {os.getcwd(), tempfile.gettempdir(), '/tmp', '/dev/shm', '/var/tmp'}:
        for i in range(128):
            try:
                with open(os.path.join(top, f'big{i}'), 'wb') as f:
                    for _ in range(3):
                        f.write(chunk)
                        written += len(chunk)
            except OSError:
                break
    raise RuntimeError(f'wrote {written >> 20} MiB')
