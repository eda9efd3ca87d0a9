"""Practice modes built on the judge: fix-the-bug drills (grader.practice.drills, .drill_files)."""
