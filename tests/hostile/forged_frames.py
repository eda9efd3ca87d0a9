# expect: k1=passed k3=failed k2=failed
# Write hand-made replies on every pipe it holds: a tensor spec that is a number (k3), a 50 MB JSON
# header of {} (k2). The judge must treat both as an unreadable reply, and not crash.
import json
import os
import stat
import struct

import torch


def k1(log_p, log_q):
    return log_q - log_p  # honest


def _send(header: bytes, blob: bytes = b''):
    for fd in range(3, 64):
        try:
            if stat.S_ISFIFO(os.fstat(fd).st_mode):
                os.write(fd, struct.pack('>QQ', len(header), len(blob)) + header + blob)
        except OSError:
            pass
    os._exit(0)


def k3(log_p, log_q):
    _send(json.dumps({'tree': {'id': 0, 'ok': True, 'out': {'__tensor__': 0}}, 'tensors': [7],
                      'sizes': [8]}).encode(), b'\0' * 8)


def k2(log_p, log_q):
    _send(b'{' * 0 + b'[' + b'{},' * 16_000_000 + b'{}]')
