raise SystemExit("a grader/ folder in a workspace is not kl-drill")
