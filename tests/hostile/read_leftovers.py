# expect: k1=passed
# Correct only if nothing an earlier (or a concurrent) submission left is there to be read: leave_files'
# files in /tmp, /var/tmp, /dev/shm or the working folder, its System V objects, its message queue.
import ctypes
import os

import torch

KEY = 0x4B4C0001


def _found():
    seen = 0
    for top in ('/tmp', '/var/tmp', '/dev/shm', os.getcwd()):
        for name in ('kldrill-hostile-leftover', 'kldrill-hostile-leftover.d'):
            seen += os.path.exists(os.path.join(top, name))
    libc = ctypes.CDLL(None, use_errno=True)
    seen += libc.shmget(KEY, 0, 0) >= 0
    seen += libc.semget(KEY, 0, 0) >= 0
    seen += libc.msgget(KEY, 0) >= 0
    try:
        rt = ctypes.CDLL('librt.so.1', use_errno=True)
        seen += rt.mq_open(b'/kldrill-hostile-leftover', 0) >= 0
    except OSError:
        pass
    return seen


def k1(log_p, log_q):
    return log_q - log_p + _found()
