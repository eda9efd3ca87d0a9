"""The hidden checks: one pytest file per exercise (test_<exercise>.py), run by the judge
(grader/judging/judge.py) with this folder's pytest.ini and conftest.py against the learner's code in its
isolated session; support.py (the session's fixture, the reference, tolerances, messages), inputs.py
(shared inputs and probes) and multi.py (exercises with several outputs). Learner code never sees this
folder (grader/isolation/hidden.py).

Owns: what "correct" means for each exercise, and the teaching messages of a failed check.
May import: grader.isolation (the learner's session) and the bottom layer (grader.exercises,
grader.i18n, grader.resources). Imported by: the diagnosis, judging and the lab. Importing this package
imports nothing.
"""
