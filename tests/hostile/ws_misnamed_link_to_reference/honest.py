# expect: k1=error k2=passed k3=error
# message: k1: solution.py is a link to a file outside the submission
# A student's folder, files named anyhow: solution.py is a link into the reference solutions and
# reference/ a link to their folder. Neither is followed; k2, honest, is found in this file.
def k2(log_p, log_q):
    return (log_p - log_q) ** 2 / 2
