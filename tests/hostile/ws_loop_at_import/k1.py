def k1(log_p, log_q):
    return log_q - log_p  # honest
