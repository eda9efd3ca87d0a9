"""What comes in to be graded, read as data and never run: a path resolved to a submission
(submission.py), the file of a folder that defines each exercise (locate.py), a Jupyter notebook
converted to Python (ipynb.py), and a batch's archives unpacked safely (archives.py).

Owns: turning what a user or an instructor hands kl-drill into files the judge can grade.
May import: the bottom layer only (grader.i18n, grader.exercises, grader.resources, grader.datafile).
Imported by: isolation (the snapshot), judging, reporting and the CLI. Nothing here imports torch.
"""
