"""Diagnosis: naming the mistake behind a failed exercise, by the function's behaviour, never its source.

- engine.py: the catalogue (grader/data/mistakes.yaml), the probes and helpers every track shares, and
  track 1's detectors;
- grpo.py (track 2), track3.py (track 3) and track4.py (track 4): each track's models of mistaken code and its detectors,
  built on the engine;
- dispatch.py: ``diagnose``, the entry point the judge calls, which picks the track.

Imports run one way: dispatch -> grpo, track3, track4 -> engine (track4 also borrows grpo's input check); the engine imports none of them.
May import: grader.checks (the reference and probe inputs), grader.isolation (the learner's session) and
the bottom layer. Never: judging, reporting, the features or the CLI. Importing this package imports
nothing; its modules import torch.
"""
