# expect: k1=passed
# Correct only if the code cannot read kl-drill's tests (correct implementations, other submissions)
# nor list its reference.
import os
import sys

import torch


def k1(log_p, log_q):
    seen = 0
    for module in list(sys.modules.values()):
        where = getattr(module, '__file__', None) or ''
        if os.sep + 'grader' + os.sep in where:
            root = where.split(os.sep + 'grader' + os.sep)[0]
            for folder in ('tests', 'solutions', 'grader/checks', 'grader/_bundled', '.git'):
                try:
                    seen += len(os.listdir(os.path.join(root, folder))) > 0
                except OSError:
                    pass
            break
    return log_q - log_p + seen
