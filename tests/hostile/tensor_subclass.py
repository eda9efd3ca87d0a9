# expect: k1=passed k3=failed k2=failed
# message: k3: subclass
import torch
def k1(log_p, log_q):
    return log_q - log_p  # honest


class Liar(torch.Tensor):
    def __eq__(self, other):
        return True

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        return True


def k3(log_p, log_q):
    return torch.zeros_like(log_p).as_subclass(Liar)


class Equal:
    def __eq__(self, other):
        return True

    shape = dtype = property(lambda self: self)


def k2(log_p, log_q):
    return Equal()
