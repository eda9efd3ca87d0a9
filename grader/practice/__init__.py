"""Interview practice: mock interviews on closed-book stubs, re-drills on an FSRS schedule, fix-the-bug drills.

schedule     how an attempt is rated and which exercises come next (pure functions)
interview    the mock-interview loop, with its input, clock and grader injected
scorecard    what an interview ends with, as text in either language and as JSON
terminal     the interview's input: typed commands and answers from one line reader
text         the strings of interview, review and stats (grader/data/practice.yaml)
drills       fix-the-bug drills: the buggy styles (grader/data/exercises/<name>.yaml), picked, rendered, judged
drill_files  a drill in a workspace: written without losing the learner's file, checked, recorded
"""
