"""The lab's plain-text output: the estimator table, Schulman's table and the gradient panel."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Sequence

from grader.i18n import lookup
from grader.reporting.table import render as table

if TYPE_CHECKING:
    from grader.lab.estimate import LabResult
    from grader.lab.gradients import GradientResult

# (q, p) of Schulman's two pairs and his printed (bias/true, std/true) per estimator, as strings so
# their printed precision is kept.
SCHULMAN_PUBLISHED: dict[float, dict[str, tuple[str, str]]] = {
    0.1: {"k1": ("0", "20"), "k2": ("0.002", "1.42"), "k3": ("0", "1.42")},
    1.0: {"k1": ("0", "2"), "k2": ("0.25", "1.73"), "k3": ("0", "1.7")},
}


def s(key: str, lang: str, **fields: object) -> str:
    return lookup("lab.yaml", key, lang, **fields)


def num(x: float | None, digits: int = 4) -> str:
    """A number with `digits` significant digits; '—' for none, 'inf' for an infinite value."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0"
    return f"{x:.{digits}g}"


def signed(x: float | None, digits: int = 3) -> str:
    """Like num, with an explicit + on positive values (a bias reads better with its sign)."""
    text = num(x, digits)
    return "+" + text if x is not None and x > 0 and math.isfinite(x) else text


def percent(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def render_lab(result: "LabResult", lang: str) -> str:
    lines = [s("header", lang, q=result.q.label(), p=result.p.label(), samples=f"{result.samples:,}",
               seed=result.seed)]
    if result.impl:
        lines.append(s("impl_line", lang, path=result.impl))
    lines.append(s("true_line", lang, kl=num(result.true_kl, 6)))
    lines.append("")
    headers = [
        s("col_estimator", lang), "", s("col_mean", lang), s("col_se", lang), s("col_bias", lang),
        s("col_bias_se", lang), s("col_bias_true", lang), s("col_std", lang), s("col_std_true", lang),
        s("col_negative", lang)]
    rows = []
    for row in result.rows:
        bias = result.bias(row)
        z = None if bias is None or not row.sem else bias / row.sem
        if row.ok:
            rows.append([row.name, s("row_sample", lang), num(row.mean, 5), num(row.sem, 2), signed(bias, 3),
                         signed(z, 2), signed(result.relative(bias), 3), num(row.std, 4),
                         num(result.relative(row.std), 4), percent(row.negative_fraction)])
        else:
            rows.append([row.name, s("row_sample", lang), *["—"] * 8])
        ex = row.exact
        exact_bias = ex.mean - result.true_kl
        rows.append(["", s("row_exact", lang), num(ex.mean, 5), "", signed(_clean(exact_bias, result.true_kl), 3),
                     "", signed(result.relative(_clean(exact_bias, result.true_kl)), 3), num(ex.std, 4),
                     num(result.relative(ex.std), 4), percent(ex.negative_fraction)])
    lines.append(table(headers, rows))
    lines.append("")
    lines.append(s("formulas", lang))
    lines.append(s("se_note", lang))
    lines.append(s("exact_note", lang))
    lines += _verdicts(result, lang)
    for warning in result.warnings:
        lines.append(warning.render(lang))
    return "\n".join(lines)


# The legend's words (lab.yaml se_note): |bias/s.e.| up to NOISE is noise, above REAL_BIAS a real bias.
NOISE = 3.0
REAL_BIAS = 5.0


def _clean(bias: float, scale: float) -> float:
    """A closed-form bias that is 0 up to rounding is shown as 0."""
    return 0.0 if abs(bias) <= 1e-12 * max(1.0, abs(scale)) else bias


def _verdicts(result: "LabResult", lang: str) -> list[str]:
    out = []
    for row in result.rows:
        if not row.ok:
            out.append(s("unavailable", lang, name=row.name, reason=row.error.render(lang)))
            continue
        if row.nonfinite:
            out.append(s("nonfinite", lang, name=row.name, count=row.nonfinite))
        bias = result.bias(row)
        # With an infinite variance the standard error means nothing (the warning says so): no verdict.
        if bias is not None and row.sem and math.isfinite(bias) and math.isfinite(row.exact.std):
            off = (row.mean - row.exact.mean) / row.sem
            z = bias / row.sem
            if abs(off) > 5:  # not the estimator the closed form describes: a learner's mistake
                out.append(s("verdict_off_exact", lang, name=row.name, mean=num(row.mean, 4),
                             exact=num(row.exact.mean, 4), z=signed(off, 3),
                             ratio=num(row.mean / row.exact.mean, 3) if row.exact.mean else "—"))
            elif abs(z) > REAL_BIAS:
                out.append(s("verdict_biased", lang, name=row.name, bias=signed(bias, 3), z=signed(z, 3),
                             exact=signed(_clean(row.exact.mean - result.true_kl, result.true_kl), 3)))
            elif abs(z) > NOISE:  # the legend's grey zone: neither noise nor proof, and said so
                out.append(s("verdict_maybe_biased", lang, name=row.name, z=signed(z, 2)))
            else:
                out.append(s("verdict_unbiased", lang, name=row.name, z=signed(z, 2)))
        if row.negative_fraction and row.exact.negative_fraction == 0:
            out.append(s("verdict_never_negative", lang, name=row.name, fraction=percent(row.negative_fraction)))
        elif row.negative_fraction:
            out.append(s("verdict_negative", lang, name=row.name, fraction=percent(row.negative_fraction)))
    finite = [r for r in result.rows if r.ok and r.std is not None and math.isfinite(r.exact.std)]
    if len(finite) > 1:
        best = min(finite, key=lambda r: r.std)
        if sum(r.std == best.std for r in finite) == 1:  # p = q: all zero, nobody wins
            out.append(s("verdict_lowest_std", lang, name=best.name))
    return out


def render_schulman(results: Sequence["LabResult"], lang: str) -> str:
    first = results[0]
    lines = [s("schulman_header", lang, samples=f"{first.samples:,}", seed=first.seed)]
    if first.impl:
        lines.append(s("impl_line", lang, path=first.impl))
    for result in results:
        published = SCHULMAN_PUBLISHED[round(result.p.mean, 6)]
        lines += ["", s("schulman_pair", lang, p=result.p.label(), kl=num(result.true_kl, 4)) + " ¹"]
        headers = [s("col_estimator", lang),
                   s("col_of", lang, what=s("col_bias_true_measured", lang), which=s("col_measured", lang)),
                   s("col_se", lang),
                   s("col_exact", lang), s("col_published", lang) + " ²",
                   s("col_of", lang, what=s("col_std_true_measured", lang), which=s("col_measured", lang)),
                   s("col_exact", lang), s("col_published", lang)]
        rows = []
        for row in result.rows:
            pub_bias, pub_std = published[row.name]
            bias = result.bias(row)
            exact_bias = _clean(row.exact.mean - result.true_kl, result.true_kl)
            rows.append([row.name, signed(result.relative(bias), 3), num(result.relative(row.sem), 2),
                         num(result.relative(exact_bias), 4), pub_bias,
                         num(result.relative(row.std), 4), num(result.relative(row.exact.std), 4), pub_std])
        lines.append(table(headers, rows))
    lines += ["", s("schulman_closed", lang), s("schulman_swap", lang), s("schulman_mc", lang)]
    for result in results[:1]:
        lines += [s("unavailable", lang, name=r.name, reason=r.error.render(lang)) for r in result.rows if not r.ok]
    return "\n".join(lines)


def vector(values: Sequence[float] | None, digits: int = 4) -> str:
    if values is None:
        return "—"
    return "[" + ", ".join(f"{v:+.{digits}f}" for v in values) + "]"


def render_gradients(result: "GradientResult", lang: str) -> str:
    labels = {t: s(f"grad_{t}_label", lang) for t in ("zero", "reverse", "forward")}
    lines = [s("grad_header", lang, n=len(result.pi), seed=result.seed)]
    if result.impl:
        lines.append(s("impl_line", lang, path=result.impl))
    lines += [
        f"π   = {vector(result.pi.tolist(), 3)}",
        f"ref = {vector(result.ref.tolist(), 3)}",
        f"{labels['reverse']} = {vector(result.targets['reverse'].tolist())}  {s('grad_reverse_note', lang)}",
        f"{labels['forward']} = {vector(result.targets['forward'].tolist())}  {s('grad_forward_note', lang)}",
        "",
    ]
    headers = [s("col_used_as", lang), s("col_gradient", lang)]
    headers += [s("col_to", lang, target=labels[t]) for t in ("zero", "reverse", "forward")]
    rows, verdicts = [], []
    for row in result.rows:
        use = s(f"use_{row.use}", lang, name=row.name)
        if row.error is not None:
            rows.append([use, "—", "—", "—", "—"])
            verdicts.append(s("grad_failed", lang, use=use, reason=row.error.render(lang)))
            continue
        rows.append([use, vector(row.gradient.tolist()),
                     *(f"{row.distances[t]:.1e}" for t in ("zero", "reverse", "forward"))])
        match = row.matches
        expected = row.expected_target
        if match == expected or (match is None and expected == "none"):
            comment = s(f"comment_{row.name}_{row.use}", lang)
        else:
            comment = s("grad_unexpected", lang, target=labels.get(expected, expected), name=row.name)
        if match is None:
            verdicts.append(s("grad_matches_none", lang, use=use, comment=comment))
        else:
            verdicts.append(s("grad_matches", lang, use=use, target=labels[match], comment=comment))
    lines.append(table(headers, rows))
    lines += ["", *verdicts, s("grad_footer", lang)]
    return "\n".join(lines)
