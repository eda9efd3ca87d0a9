# expect: k1=error k2=passed k3=error
# message: k1: SyntaxError
# bomb.py and deep.py are built to hurt the parser the judge reads them with (too many nested
# parentheses; a RecursionError building the tree): they define nothing visible, and k1, found nowhere,
# is graded from the first of them, whose import in the learner's process says what is wrong.
def k2(log_p, log_q):
    return (log_p - log_q) ** 2 / 2
