# expect: k1=error k2=passed
# k1.py beside this file is a link into the reference solutions: not part of the submission.
def k2(log_p, log_q):
    return (log_p - log_q) ** 2 / 2  # honest
