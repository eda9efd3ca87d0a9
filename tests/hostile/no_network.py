# expect: k1=passed
# Correct only if the code has no network: no address outside its own private loopback answers a TCP
# connection, not even with a refusal, and no UDP datagram finds a route out. (Without namespaces the
# host's interfaces are listed, but no internet socket can be opened: privileges.filter_syscalls.)
import socket

import torch


def k1(log_p, log_q):
    reachable = 0
    for host in ('10.0.0.1', '8.8.8.8', '192.168.0.1'):
        try:
            socket.create_connection((host, 53), timeout=0.5).close()
            reachable += 1
        except OSError as exc:
            reachable += exc.errno == 111  # refused: something answered
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                udp.sendto(b'kldrill', (host, 53))
                reachable += 1
        except OSError:
            pass
    return log_q - log_p + reachable
