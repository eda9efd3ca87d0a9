"""The estimator lab (`kldrill lab`): k1, k2, k3 on Gaussians with known KL, and their gradients.

A library first, the CLI on top, so a notebook can use every piece:

    gaussians   closed forms (pure Python): KL(q || p), exact mean/std/sign of k1, k2, k3
    estimate    sampling and summaries (torch): run_lab(q, p, samples, seed, source)
    gradients   exact expected gradients on a small categorical policy: run_gradients()
    render      the text tables             plot    the figure (matplotlib, optional), save_figure
    toy_lm      a tiny language model: per-token estimators against the exact sequence KL
    dpo_lab     dpo_loss minimised on a toy policy against the closed form
    toy_lm_plot, dpo_plot   their tables as figures (--plot)
    (the click command, `kldrill lab`, is grader/cli/commands/lab_cmd.py)

This package imports nothing heavy itself: `kldrill --help` loads it without torch.
"""
