"""The lab's figure: per-sample distributions, mean ± std across separations, and relative std.

matplotlib is an optional extra (``pip install 'kl-drill[plot]'``). The figure is drawn on a bare
``matplotlib.figure.Figure`` (Agg canvas), so it never touches pyplot's global state or needs a display,
and a notebook can show what ``make_figure`` returns.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from grader.lab.gaussians import Gaussian, exact, kl, r_moment_finite
from grader.lab.messages import Message

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from grader.lab.estimate import LabResult

COLORS = {"k1": "#1f77b4", "k2": "#ff7f0e", "k3": "#2ca02c"}
FORMATS = (".png", ".svg", ".pdf")
# Families that carry Chinese glyphs, best first; a font outside this list is still found by its file name.
_CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
                 "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Sarasa Gothic SC", "SimHei", "Microsoft YaHei",
                 "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK JP", "Noto Sans CJK TC",
                 "Noto Serif CJK SC", "AR PL UMing CN", "Droid Sans Fallback")
_CJK_FILES = ("notosanscjk", "notoserifcjk", "sourcehansans", "wqy", "simhei", "msyh", "droidsansfallback",
              "sarasa")


def matplotlib_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("matplotlib") is not None


def cjk_font() -> str | None:
    """A font family with Chinese glyphs known to matplotlib, or None (then labels fall back to English)."""
    from matplotlib import font_manager

    known = {f.name for f in font_manager.fontManager.ttflist}
    for family in _CJK_FAMILIES:
        if family in known:
            return family
    # matplotlib's font cache predates fonts installed since it was built: look on disk too.
    for path in font_manager.findSystemFonts():
        if any(tag in Path(path).name.lower().replace("-", "").replace("_", "") for tag in _CJK_FILES):
            try:
                font_manager.fontManager.addfont(path)
                return font_manager.FontProperties(fname=path).get_name()
            except (OSError, RuntimeError, ValueError):
                continue
    return None


def _s(key: str, lang: str, **fields: object) -> str:
    return Message(key, **fields).render(lang)


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def sweep(q: Gaussian, p: Gaussian, points: int = 60) -> tuple[list[float], dict[str, list[tuple[float, float]]]]:
    """Closed-form (mean, std) of each estimator as p moves away from q.

    p = N(q.mean + d * q.std * direction, p.std) for d from 0.1 to 2 (further if this run's p is
    further), keeping p's std: the run being shown sits on the curves.
    """
    gap = (p.mean - q.mean) / q.std
    direction = -1.0 if gap < 0 else 1.0
    top = max(2.0, 1.1 * abs(gap))
    kls: list[float] = []
    curves: dict[str, list[tuple[float, float]]] = {"k1": [], "k2": [], "k3": []}
    for i in range(points):
        d = 0.1 + (top - 0.1) * i / (points - 1)
        pd = Gaussian(q.mean + direction * d * q.std, p.std)
        kls.append(kl(q, pd))
        for ex in exact(q, pd):
            curves[ex.name].append((ex.mean, ex.std))
    return kls, curves


def _std_label(std: float) -> str:
    return "1" if std == 1 else f"{std:g}²"


def crossover(kls: list[float], a: list[tuple[float, float]], b: list[tuple[float, float]]) -> float | None:
    """The first KL along the sweep where estimator b's std becomes larger than a's (linear interpolation)."""
    diff = [sb - sa for (_, sa), (_, sb) in zip(a, b)]
    for i in range(1, len(diff)):
        if diff[i - 1] <= 0 < diff[i] and math.isfinite(diff[i]):
            w = -diff[i - 1] / (diff[i] - diff[i - 1])
            return kls[i - 1] + w * (kls[i] - kls[i - 1])
    return None


def make_figure(result: "LabResult", lang: str = "en") -> "Figure":
    """The three-panel figure for a run made with ``keep_values=True``; labels in ``lang``."""
    import numpy as np
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, NullFormatter

    fig = Figure(figsize=(15, 4.9), dpi=100, layout="constrained")
    axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1.25, 1, 1]})
    fig.suptitle(_s("plot_title", lang, q=result.q.label(), p=result.p.label()), fontsize=13)
    true = result.true_kl
    rows = [r for r in result.rows if r.ok and r.values is not None]

    # (a) per-sample values: where each estimator's mass is, and that k1 goes below 0.
    ax = axes[0]
    if rows:
        data = {r.name: r.values.detach().cpu().numpy() for r in rows}
        finite = np.concatenate([v[np.isfinite(v)] for v in data.values()])
        lo, hi = np.quantile(finite, [0.002, 0.995]) if finite.size else (0.0, 1.0)
        lo, hi = min(lo, 0.0), max(hi, 1.5 * true)
        bins = np.linspace(lo, hi, 121)
        for r in rows:
            v = data[r.name]
            ax.hist(v[np.isfinite(v)], bins=bins, density=True, histtype="stepfilled", alpha=0.22,
                    color=COLORS[r.name])
            ax.hist(v[np.isfinite(v)], bins=bins, density=True, histtype="step", lw=1.4, color=COLORS[r.name],
                    label=_s("plot_mean", lang, name=r.name, mean=_fmt(r.mean)))
            ax.axvline(r.mean, color=COLORS[r.name], ls=":", lw=1.6)
        ax.set_yscale("log")  # k2 and k3 pile up near 0; a log scale keeps k1's spread and the tails visible
        ax.set_xlim(lo, hi)
    ax.axvline(true, color="black", ls="--", lw=1.6, label=_s("plot_true", lang, kl=_fmt(true)))
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_title(_s("plot_hist_title", lang, samples=f"{result.samples:,}"))
    ax.set_xlabel(_s("plot_hist_x", lang))
    ax.set_ylabel(_s("plot_hist_y", lang))
    ax.legend(loc="upper right", fontsize=9, framealpha=0.9)

    # (b) mean ± std across separations (closed forms) as dodged error bars; this run's sampled values.
    kls, curves = sweep(result.q, result.p)
    x = np.array(kls)
    span = x.max() - x.min()
    ax = axes[1]
    # Drawn last (zorder) so it stays visible on top of k1's and k3's means, which it equals.
    ax.plot(x, x, color="black", ls="--", lw=1.2, zorder=5, label=_s("plot_sweep_identity", lang))
    dodge = {"k1": -0.012, "k2": 0.0, "k3": 0.012}  # the three bars at one separation side by side
    # Bars at evenly spaced KL values (the sweep is even in d, and KL grows like d²).
    marks = np.unique([int(np.abs(x - k).argmin()) for k in np.linspace(x.min() + 0.2 * span, x.max(), 5)])
    for name, values in curves.items():
        mean = np.array([m for m, _ in values])
        std = np.array([sd for _, sd in values])
        # k1 wide and pale underneath: k3's mean lies exactly on it
        ax.plot(x, mean, color=COLORS[name], lw=4.5 if name == "k1" else 1.8, alpha=0.5 if name == "k1" else 1.0,
                label=name)
        finite = np.isfinite(std[marks])
        ax.errorbar(x[marks][finite] + dodge[name] * span, mean[marks][finite], yerr=std[marks][finite],
                    fmt="none", ecolor=COLORS[name], elinewidth=1.6, capsize=3, alpha=0.75)
    for r in rows:
        meaningful = math.isfinite(r.exact.std)  # an infinite variance has no std to draw
        ax.errorbar(true + dodge[r.name] * span, r.mean, yerr=r.std if meaningful else None, fmt="o", ms=5,
                    capsize=3, color=COLORS[r.name], mec="black", mew=0.6)
    if rows:
        ax.plot([], [], "o", ms=5, color="white", mec="black", label=_s("plot_this_run_sampled", lang))
    if not r_moment_finite(result.q, result.p, 2):
        ax.text(0.97, 0.03, _s("plot_infinite", lang), transform=ax.transAxes, ha="right", va="bottom",
                fontsize=9, color=COLORS["k3"])
    top = x.max()
    ax.set_ylim(-1.1 * max(top, 0.5), 2.6 * max(top, 0.5))  # the widest bars run off the axes: they are that wide
    ax.set_xlim(x.min() - 0.04 * span, x.max() + 0.04 * span)
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_title(_s("plot_sweep_title", lang))
    sign = "-" if result.p.mean < result.q.mean else "+"
    ax.set_xlabel(_s("plot_sweep_x", lang) + "\n" + _s("plot_sweep_caption", lang, mq=f"{result.q.mean:g}",
                                                           sign=sign, sp=_std_label(result.p.std)), fontsize=10)
    ax.set_ylabel(_s("plot_sweep_y", lang))
    ax.legend(loc="upper left", fontsize=9, framealpha=0.9)

    # (c) std / true KL on log axes: k3 wins for close distributions, k1 beyond KL ≈ 0.63 (equal stds).
    ax = axes[2]
    for name, values in curves.items():
        rel = np.array([sd / k if k > 0 else np.nan for (_, sd), k in zip(values, kls)])
        if np.any(np.isfinite(rel)):
            ax.plot(x, rel, color=COLORS[name], lw=1.8, label=name)
    for r in rows:
        if r.std is not None and true > 0 and math.isfinite(r.exact.std):
            ax.plot(true, r.std / true, "o", ms=5, color=COLORS[r.name], mec="black", mew=0.6)
    ax.axvline(true, color="black", ls="--", lw=1.0, label=_s("plot_this_run", lang))
    cross = crossover(kls, curves["k1"], curves["k3"])
    if cross is not None:
        ax.axvline(cross, color=COLORS["k3"], ls=":", lw=1.2)
        ax.annotate(_s("plot_crossover", lang, kl=f"{cross:.2f}"), xy=(cross, 0.3), xycoords=("data", "axes fraction"),
                    xytext=(-3, 0), textcoords="offset points", ha="right", va="bottom", rotation=90, fontsize=9,
                    color=COLORS["k3"])
    ax.set_xscale("log")
    ax.set_yscale("log")
    plain = FuncFormatter(lambda v, _: f"{v:g}")  # 0.5 rather than 5×10⁻¹
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(plain)
        axis.set_minor_formatter(plain if np.log10(max(axis.get_view_interval()) / min(axis.get_view_interval())) < 1
                                 else NullFormatter())  # minor labels only where a decade has no major tick
    if not r_moment_finite(result.q, result.p, 2):
        ax.text(0.03, 0.03, _s("plot_infinite", lang), transform=ax.transAxes, ha="left", va="bottom",
                fontsize=9, color=COLORS["k3"])
    ax.set_title(_s("plot_rel_title", lang))
    ax.set_xlabel(_s("plot_sweep_x", lang))
    ax.set_ylabel(_s("plot_rel_y", lang))
    ax.grid(True, which="both", alpha=0.25)
    ax.legend(loc="upper center", fontsize=9, framealpha=0.9)  # the right edge holds the crossover note
    return fig


def save_plot(result: "LabResult", path: str | Path, lang: str = "en") -> list[Message]:
    """Draw ``result`` into ``path`` (.png, .svg or .pdf); returns notes for the user (e.g. no CJK font)."""
    return save_figure(lambda chosen: make_figure(result, chosen), path, lang)


def save_figure(draw: Callable[[str], "Figure"], path: str | Path, lang: str = "en") -> list[Message]:
    """Save the figure ``draw(lang)`` returns into ``path``; every lab's figure goes through here.

    Chinese labels need a CJK font: without one they would come out as boxes, so the figure is drawn in
    English and the returned notes say why.
    """
    import matplotlib

    notes: list[Message] = []
    rc: dict[str, Any] = {}
    if lang == "zh":
        family = cjk_font()
        if family is None:
            lang = "en"
            notes.append(Message("no_cjk_font"))
        else:
            rc = {"font.family": "sans-serif", "font.sans-serif": [family, "DejaVu Sans"],
                  "axes.unicode_minus": False}
    with matplotlib.rc_context(rc):
        fig = draw(lang)
        fig.savefig(path, dpi=100)
    return notes
