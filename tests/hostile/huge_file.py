# expect: k1=passed k3=failed
import torch
def k1(log_p, log_q):
    return log_q - log_p  # honest


def k3(log_p, log_q):
    with open('big.bin', 'wb') as f:
        for _ in range(200):
            f.write(b'0' * 2**20)
    lr = log_p - log_q
    return torch.expm1(lr) - lr
