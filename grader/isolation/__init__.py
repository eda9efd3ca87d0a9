"""Learner isolation: running untrusted submission code where it cannot reach the judge.

(The threat model is stated here once the sandbox-by-default work lands.)
"""
