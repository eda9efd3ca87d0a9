# exercise: k1
import torch

class _Estimators:
    def k1(self, log_p, log_q):
        return torch.sub(log_q, log_p)


k1 = _Estimators().k1
