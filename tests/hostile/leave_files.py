# expect: k1=passed
# Leaves what a grade used to leave behind for the next one (kldrill watch's next save, the next student
# given the same uid): files in /tmp, /var/tmp and /dev/shm, a folder of them, a System V shared memory
# segment, a POSIX message queue. tests/test_hostile.py checks that nothing of it remains.
import ctypes
import os

import torch

KEY = 0x4B4C0001  # tests/test_hostile.py looks for it


def _leave():
    for top in ('/tmp', '/var/tmp', '/dev/shm', os.getcwd()):
        try:
            with open(os.path.join(top, 'kldrill-hostile-leftover'), 'w') as f:
                f.write('98765')
            os.makedirs(os.path.join(top, 'kldrill-hostile-leftover.d', 'inner'), exist_ok=True)
        except OSError:
            pass
    libc = ctypes.CDLL(None, use_errno=True)
    libc.shmat.restype = ctypes.c_void_p
    segment = libc.shmget(KEY, 4096, 0o1666)  # IPC_CREAT | 0666
    if segment >= 0:
        address = libc.shmat(segment, None, 0)
        if address not in (None, ctypes.c_void_p(-1).value):
            ctypes.memmove(address, b'98765', 5)
    libc.semget(KEY, 1, 0o1666)
    libc.msgget(KEY, 0o1666)
    try:
        rt = ctypes.CDLL('librt.so.1', use_errno=True)
        rt.mq_open(b'/kldrill-hostile-leftover', 0o100 | 2, 0o666, None)  # O_CREAT | O_RDWR
    except OSError:
        pass


def k1(log_p, log_q):
    _leave()
    return log_q - log_p
