"""The quiz: a question bank (bank), answer parsing (answers), the question loop (session),
progress with spaced repetition (progress) and the `kldrill quiz` command (command).

Kept empty on purpose: `kldrill quiz --help` imports only the command module, and each piece is
imported where it is used.
"""
