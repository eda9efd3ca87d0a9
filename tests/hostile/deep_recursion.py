# expect: k1=passed k3=failed
# message: k3: RecursionError
def k1(log_p, log_q):
    return log_q - log_p  # honest


def k3(log_p, log_q):
    return k3(log_p, log_q)
