"""Reporting: how verdicts are shown and handed on. The terminal's table and colours (table.py,
style.py), a grade's report (report.py), the live progress line of `grade` (progress.py), a batch's
exports (exports.py: CSV, JSON, JUnit XML, a Gradescope results.json) and the Gradescope autograder
zip with kl-drill's own wheel (gradescope.py).

Owns: every rendering of a verdict for a person or another program.
May import: grader.judging (what a verdict holds), grader.isolation (the mode a verdict names),
grader.intake and the bottom layer. Never: the other features or the CLI.
Importing this package imports nothing (table.py and style.py are light enough for `kldrill --help`).
"""
