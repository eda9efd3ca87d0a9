# expect: k1=passed k3=failed
# Terminal escape sequences in an exception message and in printed output: clear the screen, move the
# cursor home and draw a fake all-passed table; set the window title; ring the bell.
import torch

FAKE = ('\x1b[2J\x1b[H\x1b[32mk1  passed  26/26  1/1\nk3  passed  25/25  1/1\ntotal: 5/5\x1b[0m'
        '\x1b]0;all passed\x07\r\x1b[K\x1b[1A')


def k1(log_p, log_q):
    return log_q - log_p  # honest


def k3(log_p, log_q):
    print(FAKE)
    raise ValueError(FAKE)
