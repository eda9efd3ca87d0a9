"""Judging: from a submission to a verdict. The judge process runs the hidden checks (grader/checks/)
against the learner's code through an isolated session (judge.py, judge_process.py), grading.py drives
it for one or many submissions, warm.py and warm_judge.py keep a judge ready for `watch`, the notebook
and drills; results.py is what a verdict holds, and safe_text.py makes whatever learner code said safe
to print or export.

Owns: the verdict (tiers, strict mode, conventions, the named mistake) and the judge's process.
May import: grader.diagnosis, grader.checks, grader.isolation, grader.intake and the bottom layer
(grader.i18n, grader.exercises, grader.conventions, grader.cores, grader.resources, grader.datafile).
Never: reporting, the features or the CLI. Importing this package imports nothing (no torch).
"""
