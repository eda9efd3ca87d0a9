# expect: k1=passed k3=failed
# message: k3: timed out after 2 s
def k1(log_p, log_q):
    return log_q - log_p  # honest


def k3(log_p, log_q):
    while True:
        pass
