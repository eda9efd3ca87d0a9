"""The `kldrill` command line: the entry point and its command list (main.py), the localized help
(help.py, from grader/data/help.yaml), what every command shares (common.py: options, errors, exercise
selection) and one module per command (commands/), imported only when that command runs.

Owns: parsing arguments, choosing the language, exit codes; nothing a command computes.
May import: everything below it (the features: practice, quiz, lab, notebook, reporting; then judging,
diagnosis, isolation, intake, learner and the bottom layer). Nothing imports it but grader/__main__.py.
Importing this package imports nothing: `kldrill --help` must stay fast and torch-free.
"""
