# expect: k1=passed
# Correct only if kl-drill's own files cannot be written: each file it manages to create adds an error.
# (tests/test_hostile.py also checks that no probe file was left in the package.)
import os
import sys

import torch


def k1(log_p, log_q):
    written = 0
    for module in list(sys.modules.values()):
        where = getattr(module, '__file__', None) or ''
        if os.sep + 'grader' + os.sep in where:
            package = where.split(os.sep + 'grader' + os.sep)[0] + os.sep + 'grader'
            for folder in (package, os.path.join(package, 'checks')):
                try:
                    with open(os.path.join(folder, '_hostile_write_probe.py'), 'w') as f:
                        f.write('# written by a submission\n')
                    written += 1
                except OSError:
                    pass
            break
    return log_q - log_p + written
