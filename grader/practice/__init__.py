"""Interview practice: mock interviews on closed-book stubs, exercise re-drills on an FSRS schedule.

schedule   how an attempt is rated and which exercises come next (pure functions)
interview  the mock-interview loop, with its input, clock and grader injected
scorecard  what an interview ends with, as text in either language and as JSON
terminal   the interview's input: typed commands and answers from one line reader
"""
