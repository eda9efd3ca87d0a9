"""The quiz: a question bank (bank), answer parsing (answers), the question loop (session),
progress with spaced repetition (progress); the `kldrill quiz` command is grader/cli/commands/quiz_cmd.py.

Kept empty on purpose: `kldrill quiz --help` imports only its command module, and each piece is
imported where it is used.
"""
