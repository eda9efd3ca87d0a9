# expect: k1=passed k3=failed k2=failed
import importlib.util
import os

import torch
def k1(log_p, log_q):
    return log_q - log_p  # honest


def _steal(name):
    try:
        import solutions  # noqa: F401
        from solutions.k3 import k3 as real
        return real
    except Exception:
        pass
    try:
        from grader.checks.support import reference
        return reference(name)
    except Exception:
        pass
    import grader
    root = os.path.dirname(os.path.dirname(grader.__file__))
    for where in (os.path.join(root, 'solutions'), os.path.join(os.path.dirname(grader.__file__), '_bundled', 'solutions')):
        path = os.path.join(where, name + '.py')
        try:
            spec = importlib.util.spec_from_file_location('stolen', path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return getattr(module, name)
        except Exception:
            pass
    return None


def k3(log_p, log_q):
    real = _steal('k3')
    return real(log_p, log_q) if real else torch.zeros_like(log_p)


def k2(log_p, log_q):
    source = open(os.path.join(os.path.dirname(__import__('grader').__file__), '..', 'solutions', 'k2.py')).read()
    scope = {}
    exec(source, scope)
    return scope['k2'](log_p, log_q)
