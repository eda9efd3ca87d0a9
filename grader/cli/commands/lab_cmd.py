"""`kldrill lab`: the estimators on numbers you can check.

Only click and the shared CLI helpers load with this module, so `kldrill lab --help` (and the command
list of `kldrill --help`) never imports torch; the lab's library loads when the command runs.

Exit codes: 0 the lab ran; 2 bad options, a path that cannot be used, or no estimator that could be
evaluated (one line on stderr each).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import click

from grader.cli.common import Command, KldrillError, lang_option

MAX_SAMPLES = 10_000_000  # three float64 copies per estimator, and --impl sends them through a pipe
PRESETS = ("schulman",)
DEFAULT_TIMEOUT = 30.0  # seconds per call of the learner's code (--impl)


def _s(key: str, lang: str, **fields: object) -> str:
    from grader.i18n import lookup

    return lookup("lab.yaml", key, lang, **fields)


def _gaussian(text: str, option: str, lang: str):  # -> Gaussian
    from grader.lab.gaussians import GaussianError, parse_gaussian

    try:
        return parse_gaussian(text)
    except GaussianError as exc:
        raise KldrillError(_s("option_bad", lang, option=option, problem=_s(exc.key, lang, **exc.fields))) from None


def _integer(text: str, option: str, lang: str, lowest: int, highest: int) -> int:
    """An int from text such as 1000000, 1_000_000 or 1e6, within [lowest, highest]."""
    try:
        value = int(text)  # exact, however large
    except ValueError:
        try:
            as_float = float(text)
            value = int(as_float) if math.isfinite(as_float) and as_float == int(as_float) else None
        except ValueError:
            value = None
    if value is not None and lowest <= value <= highest:
        return value
    problem = _s("integer_range", lang, lowest=f"{lowest:,}", highest=f"{highest:,}", got=text)
    raise KldrillError(_s("option_bad", lang, option=option, problem=problem))


@click.command(cls=Command)
@click.option("--p", "p_text", default=None, metavar="MEAN,STD", help="p = N(MEAN, STD²), the target (default 0,1).")
@click.option("--q", "q_text", default=None, metavar="MEAN,STD",
              help="q = N(MEAN, STD²), the distribution samples come from (default 0.5,1).")
@click.option("--samples", "samples_text", default=None, metavar="N",
              help="Samples x ~ q (default 1000000; 1e6 works).")
@click.option("--seed", "seed_text", default=None, metavar="S", help="Random seed (default 0): same seed, same numbers.")
@click.option("--impl", default=None, metavar="PATH",
              help="Use your k1/k2/k3 from a workspace folder, a .py file or a notebook (run in its own process, as in grading).")
@click.option("--preset", default=None, metavar="NAME", help="schulman: the table of Schulman's blog post, re-derived.")
@click.option("--gradients", is_flag=True,
              help="Exact expected gradients of k1, k2, k3 used as losses on a small categorical policy.")
@click.option("--toy-lm", "toy_lm", is_flag=True,
              help="A tiny autoregressive policy and reference: sampled per-token k1/k2/k3 beside the exact KL per "
                   "position and per sequence (exact sums), and the sequence-level gradient panel.")
@click.option("--is-weights", "is_weights", is_flag=True,
              help="With --toy-lm: the bias and variance of token- and sequence-level importance weights (is_weights) "
                   "as the rollout policy drifts from the trainer's, exact, and what truncating or masking at cap trades.")
@click.option("--dpo", is_flag=True,
              help="On a toy categorical policy: the policy that minimises dpo_loss against the closed form "
                   "pi* ∝ ref · exp(r / beta).")
@click.option("--plot", "plot_path", default=None, metavar="FILE.png",
              help="Also draw a figure (.png, .svg or .pdf; needs matplotlib): the sample distributions and a sweep "
                   "of separations, or with --toy-lm and --dpo their tables.")
@click.option("--force", is_flag=True, help="Let --plot overwrite an existing file.")
@click.option("--timeout", "timeout", type=click.FloatRange(min=0.1), default=None, metavar="SECONDS",
              help=f"With --impl: time limit per call of your code (default {DEFAULT_TIMEOUT:g}).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of the tables.")
@lang_option
def lab(p_text: str | None, q_text: str | None, samples_text: str | None, seed_text: str | None,
        impl: str | None, preset: str | None, gradients: bool, toy_lm: bool, is_weights: bool, dpo: bool,
        plot_path: str | None,
        force: bool, timeout: float | None, as_json: bool, lang: str) -> None:
    """Sample x ~ q and compare k1, k2, k3 with the true KL(q‖p) of two Gaussians.

    \b
    Default: the study note's pair, p = N(0,1), q = N(0.5,1), true KL 0.125.
    Shows per estimator: mean ± standard error, bias, std, relative to the
    true KL, the fraction of negative samples, and the exact closed forms.
    --preset schulman    Schulman's table beside his published values
    --gradients          which KL each estimator's gradient follows
    --toy-lm             per token versus per sequence, on a tiny language model
    --toy-lm --is-weights  rollout importance weights as the rollout drifts
    --dpo                DPO's optimum against its closed form
    """
    given = {"--p": p_text is not None, "--q": q_text is not None, "--samples": samples_text is not None,
             "--preset": preset is not None, "--gradients": gradients, "--plot": plot_path is not None,
             "--toy-lm": toy_lm, "--dpo": dpo, "--impl": impl is not None}
    conflicts = [("--preset", "--p"), ("--preset", "--q"), ("--preset", "--plot"), ("--gradients", "--p"),
                 ("--gradients", "--q"), ("--gradients", "--samples"), ("--gradients", "--preset"),
                 ("--gradients", "--plot")]
    # The toy labs use kl-drill's reference formulas.
    conflicts += [(lab_flag, other) for lab_flag in ("--toy-lm", "--dpo")
                  for other in ("--p", "--q", "--preset", "--gradients", "--impl")]
    conflicts += [("--toy-lm", "--dpo"), ("--dpo", "--samples")]
    for first, second in conflicts:
        if given[first] and given[second]:
            raise KldrillError(_s("option_conflict", lang, first=first, second=second))
    for option, needs, used in (("--timeout", "--impl", timeout is not None and impl is None),
                                ("--force", "--plot", force and plot_path is None),
                                ("--is-weights", "--toy-lm", is_weights and not toy_lm)):
        if used:
            raise KldrillError(_s("option_needs", lang, option=option, needs=needs))
    if preset is not None and preset not in PRESETS:
        problem = _s("one_of", lang, choices=", ".join(PRESETS), got=preset)
        raise KldrillError(_s("option_bad", lang, option="--preset", problem=problem))
    p = _gaussian(p_text or "0,1", "--p", lang)
    q = _gaussian(q_text or "0.5,1", "--q", lang)
    samples = _integer(samples_text or "1000000", "--samples", lang, 2, MAX_SAMPLES)
    seed = _integer(seed_text or "0", "--seed", lang, 0, 2**63 - 1)  # torch's generator takes 64 bits
    plot = _check_plot_path(plot_path, force, lang) if plot_path else None
    if is_weights and samples_text is not None:  # exact sums: nothing is sampled
        raise KldrillError(_s("option_conflict", lang, first="--is-weights", second="--samples"))
    if toy_lm or dpo:
        _run_toy(toy_lm, samples if samples_text is not None else 200_000, seed, plot, as_json, lang, is_weights)
        return
    source = _source(impl, timeout or DEFAULT_TIMEOUT, lang)

    with source:
        if gradients:
            _run_gradients(source, seed, as_json, lang)
        elif preset == "schulman":
            _run_schulman(source, samples, seed, as_json, lang)
        else:
            _run_pair(source, q, p, samples, seed, plot, as_json, lang)


def _check_plot_path(text: str, force: bool, lang: str) -> Path:
    from grader.lab.plot import FORMATS, matplotlib_available

    if not matplotlib_available():
        raise KldrillError(_s("no_matplotlib", lang))
    path = Path(text).expanduser()
    if path.suffix.lower() not in FORMATS:
        problem = _s("plot_suffix", lang, suffixes=", ".join(FORMATS), got=text)
        raise KldrillError(_s("option_bad", lang, option="--plot", problem=problem))
    if not path.parent.is_dir():
        raise KldrillError(_s("plot_unwritable", lang, path=text,
                              reason=_s("no_such_folder", lang)))
    if path.exists() and not force:  # checked before the samples are drawn, so nothing is lost
        raise KldrillError(_s("plot_exists", lang, path=text))
    return path


def _source(impl: str | None, timeout: float, lang: str):  # -> EstimatorSource, a context manager
    from grader.lab.estimate import LearnerEstimators, ReferenceEstimators

    if impl is None:
        return ReferenceEstimators()
    from grader.i18n import t
    from grader.intake.submission import SubmissionError

    try:
        return LearnerEstimators(impl, call_timeout=timeout)
    except SubmissionError as exc:
        raise KldrillError(t(exc.key, lang, **exc.fields)) from None


def _all_failed(rows: list, label: str | None, lang: str) -> None:
    """Nothing to show: say why in one line (exit 2)."""
    if rows and all(getattr(r, "error", None) is not None for r in rows):
        first = {r.name: r.error.render(lang) for r in reversed(rows)}  # the gradient panel names k1 and k3 twice
        reasons = "; ".join(f"{name}: {first[name]}" for name in dict.fromkeys(r.name for r in rows))
        raise KldrillError(_s("no_estimator", lang, path=label, reasons=reasons))


def _run_pair(source, q, p, samples: int, seed: int, plot: Path | None, as_json: bool, lang: str) -> None:
    from grader.lab.estimate import run_lab
    from grader.lab.render import render_lab

    result = run_lab(q, p, samples, seed, source=source, keep_values=plot is not None)
    _all_failed(result.rows, result.impl, lang)
    notes = _save_plot("plot", result, plot, lang)
    click.echo(json.dumps(result.to_json()) if as_json else render_lab(result, lang))
    _plot_done(plot, notes, as_json, lang)


def _save_plot(module: str, result, plot: Path | None, lang: str) -> list:
    """Draw the figure of ``result`` with grader.lab.<module>.save_plot; the notes to show after the table."""
    if plot is None:
        return []
    import importlib

    save_plot = importlib.import_module(f"grader.lab.{module}").save_plot  # matplotlib only with --plot
    try:
        return save_plot(result, plot, lang)
    except OSError as exc:
        raise KldrillError(_s("plot_unwritable", lang, path=str(plot), reason=exc)) from None


def _plot_done(plot: Path | None, notes: list, as_json: bool, lang: str) -> None:
    for note in notes:
        click.echo(note.render(lang), err=True)
    if plot is not None:
        click.echo(_s("plot_written", lang, path=str(plot)), err=as_json)


def _run_schulman(source, samples: int, seed: int, as_json: bool, lang: str) -> None:
    from grader.lab.estimate import run_lab
    from grader.lab.gaussians import Gaussian
    from grader.lab.render import SCHULMAN_PUBLISHED, render_schulman

    results = [run_lab(Gaussian(0, 1), Gaussian(mu, 1), samples, seed, source=source)
               for mu in SCHULMAN_PUBLISHED]
    _all_failed(results[0].rows, results[0].impl, lang)
    if as_json:
        pairs = []
        for mu, result in zip(SCHULMAN_PUBLISHED, results):
            entry = result.to_json()
            entry["published"] = {name: {"bias_over_true": b, "std_over_true": sd}
                                  for name, (b, sd) in SCHULMAN_PUBLISHED[mu].items()}
            pairs.append(entry)
        click.echo(json.dumps({"preset": "schulman", "pairs": pairs}))
    else:
        click.echo(render_schulman(results, lang))


def _run_gradients(source, seed: int, as_json: bool, lang: str) -> None:
    from grader.lab.gradients import run_gradients
    from grader.lab.render import render_gradients

    result = run_gradients(source, seed=seed)
    _all_failed(result.rows, result.impl, lang)
    if as_json:
        click.echo(json.dumps(result.to_json()))
    else:
        click.echo(render_gradients(result, lang))


def _run_toy(toy_lm: bool, samples: int, seed: int, plot: Path | None, as_json: bool, lang: str,
             is_weights: bool = False) -> None:
    """--toy-lm (with --is-weights: the rollout-correction panel) or --dpo: one run() result, printed (table or
    JSON) and, with --plot, drawn."""
    if is_weights:
        from grader.lab import is_lab as lab_module

        result, figure = lab_module.run(), "is_lab_plot"
    elif toy_lm:
        from grader.lab import toy_lm as lab_module

        result, figure = lab_module.run(samples=samples, seed=seed), "toy_lm_plot"
    else:
        from grader.lab import dpo_lab as lab_module

        result, figure = lab_module.run(), "dpo_plot"
    notes = _save_plot(figure, result, plot, lang)
    click.echo(json.dumps(result) if as_json else lab_module.render(result, lang))
    _plot_done(plot, notes, as_json, lang)
