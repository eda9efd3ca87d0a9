"""The rollout-correction panel (`kldrill lab --toy-lm --is-weights`): on the toy language model, how biased
and how noisy each importance weight of is_weights makes the policy gradient when the responses come from a
rollout policy that has drifted from the trainer's, and what truncating or masking at ``cap`` trades.

The trainer's policy is toy_lm's default policy; the rollout policy is the same model with every logit moved
by ``drift`` times a fixed random direction (as a rollout engine's kernels and precision move it a little).
The objective is E_{y ~ pi_train}[R(y)] with R(y) the number of tokens of y equal to 0, and its gradient
with respect to the trainer's logits is known exactly: sum_y pi_train(y) R(y) grad log pi_train(y). Each
weight gives an estimator from one response y ~ pi_rollout (REINFORCE, grad log pi_train per token):

    none        R(y) sum_t g_t                    (no correction)
    token       R(y) sum_t w_t g_t                (w_t = pi_train(y_t|.) / pi_rollout(y_t|.))
    sequence    R(y) W(y) sum_t g_t               (W = prod_t w_t: the exact correction)
    geometric   R(y) exp(mean_t log w_t) sum_t g_t

each also truncated at ``cap`` (TIS) or masked above it (MIS) where that is a row of the table. Every
expectation is an exact sum over all V^L responses weighted by pi_rollout, so bias and standard deviation are
exact numbers, not estimates: bias = |E[estimator] - true gradient| / |true gradient|, std = the per-response
standard deviation (the root of the covariance's trace) / |true gradient|, and rmse the error of a batch of
``batch`` responses, sqrt(bias^2 + std^2 / batch). The weights are kl-drill's reference is_weights.
"""

from __future__ import annotations

import math

import torch

from grader.lab.toy_lm import ToyLM, all_sequences, default_models

DRIFTS = (0.0, 0.1, 0.25, 0.5, 1.0, 2.0)
# (row key, level, mode or None for no cap): the table's rows, the figure's series
ROWS = (("none", None, None), ("token", "token", None), ("token_tis", "token", "truncate"),
        ("sequence", "sequence", None), ("sequence_tis", "sequence", "truncate"),
        ("sequence_mis", "sequence", "mask"), ("geometric", "geometric", None))


def rollout_model(train: ToyLM, drift: float, seed: int = 11) -> ToyLM:
    """The trainer's model with its logits moved by ``drift`` times a fixed random direction."""
    g = torch.Generator().manual_seed(seed)
    d_first = torch.randn(train.first.shape, generator=g, dtype=torch.float64)
    d_table = torch.randn(train.table.shape, generator=g, dtype=torch.float64)
    return ToyLM(train.first + drift * d_first, train.table + drift * d_table)


def token_scores(train: ToyLM, seqs: torch.Tensor) -> torch.Tensor:
    """(N, L, P): the gradient of log pi_train(y_t | prefix) with respect to the P logits, per token."""
    def log_probs(first: torch.Tensor, table: torch.Tensor) -> torch.Tensor:
        return ToyLM(first, table).log_probs(seqs)

    j_first, j_table = torch.autograd.functional.jacobian(log_probs, (train.first, train.table))
    n, length = seqs.shape
    return torch.cat([j_first.reshape(n, length, -1), j_table.reshape(n, length, -1)], -1)


def _weights(u_train: torch.Tensor, u_rollout: torch.Tensor, level: str, mode: str | None, cap: float) -> torch.Tensor:
    from grader.checks.support import reference

    mask = torch.ones_like(u_train)
    if mode is None:  # no cap: a cap no weight reaches
        return reference("is_weights")(u_train, u_rollout, mask, math.inf, level, "truncate")
    return reference("is_weights")(u_train, u_rollout, mask, cap, level, mode)


def panel(drift: float, cap: float, batch: int, vocab: int, length: int) -> dict:
    """Bias, std and rmse of every row's estimator at one drift, and the drift's size in KL."""
    train, _ = default_models(vocab)
    rollout = rollout_model(train, drift)
    seqs = all_sequences(vocab, length)
    lp_train, lp_roll = train.log_probs(seqs), rollout.log_probs(seqs)
    p_train, p_roll = lp_train.sum(1).exp(), lp_roll.sum(1).exp()
    reward = (seqs == 0).sum(1).to(torch.float64)
    scores = token_scores(train, seqs)  # (N, L, P)
    truth = (p_train[:, None] * reward[:, None] * scores.sum(1)).sum(0)
    norm = float(truth.norm())
    out = {"drift": drift, "kl_rollout_train": float((p_roll * (lp_roll.sum(1) - lp_train.sum(1))).sum()),
           "rows": {}}
    for key, level, mode in ROWS:
        if level is None:
            per_token = torch.ones_like(lp_train)
        else:
            per_token = _weights(lp_train, lp_roll, level, mode, cap)  # (N, L); a sequence level repeats W
        estimate = reward[:, None] * (per_token[..., None] * scores).sum(1)  # (N, P)
        mean = (p_roll[:, None] * estimate).sum(0)
        variance = float((p_roll * ((estimate - mean) ** 2).sum(1)).sum())
        bias, std = float((mean - truth).norm()) / norm, math.sqrt(max(variance, 0.0)) / norm
        out["rows"][key] = {"bias": bias, "std": std, "rmse": math.sqrt(bias ** 2 + std ** 2 / batch)}
    return out


def run(vocab: int = 3, length: int = 4, cap: float = 2.0, batch: int = 64, drifts: tuple = DRIFTS) -> dict:
    """Everything the table and the figure show, as plain data (the --json document)."""
    return {"lab": "is_weights", "vocab": vocab, "length": length, "cap": cap, "batch": batch,
            "rows": [key for key, _, _ in ROWS],
            "drifts": [panel(d, cap, batch, vocab, length) for d in drifts]}


def render(result: dict, lang: str = "en") -> str:
    from grader.lab.render import s
    from grader.reporting.table import render as table

    lines = [s("toy_is_header", lang, vocab=result["vocab"], length=result["length"], cap=f"{result['cap']:g}",
               batch=result["batch"], responses=result["vocab"] ** result["length"]), ""]
    headers = [s("toy_is_col_weight", lang),
               *(s("toy_is_col_drift", lang, drift=f"{d['drift']:g}", kl=f"{d['kl_rollout_train']:.3f}")
                 for d in result["drifts"])]
    for metric in ("bias", "std", "rmse"):
        lines.append(s(f"toy_is_{metric}_title", lang, batch=result["batch"]))
        rows = [[s(f"toy_is_row_{key}", lang, cap=f"{result['cap']:g}"),
                 *(f"{d['rows'][key][metric]:.4f}" for d in result["drifts"])] for key in result["rows"]]
        lines += [table(headers, rows), ""]
    lines.append(s("toy_is_note", lang, cap=f"{result['cap']:g}"))
    return "\n".join(lines)
