# exercise: k3
import torch

class _K3:
    def __call__(self, log_p, log_q):
        lr = torch.sub(log_p, log_q)
        return torch.sub(torch.special.expm1(lr), lr)


k3 = _K3()
