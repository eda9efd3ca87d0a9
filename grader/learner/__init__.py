"""The learner's side of the disk: a workspace folder of stubs (workspace.py) and what kl-drill remembers
of it in ``.kldrill-state.json`` (state_file.py), checked on every load.

Owns: creating, resetting and reading a learner's workspace; never overwriting their work unasked.
May import: the bottom layer only (grader.i18n, grader.exercises, grader.resources, grader.datafile).
Imported by: the features (practice, notebook) and the CLI. Nothing here imports torch.
"""
