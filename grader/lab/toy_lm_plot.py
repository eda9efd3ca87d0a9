"""The toy-LM lab's figure (`kldrill lab --toy-lm --plot FILE`): its table, drawn.

Every number comes from the dict grader.lab.toy_lm.run returns, the one the table prints and --json
dumps, so the figure cannot disagree with them. Three panels: per position, the sampled k1/k2/k3 means
(± one standard error) beside exact_kl's quantity; the same summed over whole responses against the exact
sequence KL; and, component by component, the gradient each use of an estimator follows against the
exact gradient of the sequence KL.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

from grader.lab.messages import Message
from grader.lab.plot import COLORS, save_figure
from grader.lab.toy_lm import ESTIMATORS, GRADIENT_ROWS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# One colour per estimator across the panels; in the gradient panel k1 in the reward takes k1's colour
# and k1 as a loss a neutral grey (its expected gradient is 0).
GRADIENT_STYLE = {"k1_loss": ("#7f7f7f", "x"), "k2_loss": (COLORS["k2"], "o"), "k3_loss": (COLORS["k3"], "s"),
                  "k1_reward": (COLORS["k1"], "D")}
BAR_WIDTH = 0.25


def _s(key: str, lang: str, **fields: object) -> str:
    return Message(key, **fields).render(lang)


def make_figure(result: dict, lang: str = "en") -> "Figure":
    """The three-panel figure of a toy_lm.run() result; labels in ``lang``."""
    import numpy as np
    from matplotlib.figure import Figure

    fig = Figure(figsize=(17, 5.2), dpi=100, layout="constrained")
    axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1.1, 0.8, 1.5]})
    fig.suptitle(_s("toy_plot_title", lang, vocab=result["vocab"], length=result["length"],
                    samples=f"{result['samples']:,}", seed=result["seed"]), fontsize=13)
    sampled, exact = result["sampled"], result["exact"]

    # (a) per position: bars of the sampled means, the exact KL given the prefix across each group.
    ax = axes[0]
    positions = np.arange(result["length"])
    for i, name in enumerate(ESTIMATORS):
        ax.bar(positions + (i - 1) * BAR_WIDTH, sampled[name]["per_position"], BAR_WIDTH,
               yerr=sampled[name]["per_position_se"], capsize=4, color=COLORS[name], alpha=0.85,
               label=_s("toy_plot_estimator", lang, name=name))
    # One line, broken by NaN between positions: one series (and one legend entry) for the exact values.
    xs, ys = [], []
    for t, value in enumerate(exact["per_position"]):
        xs += [t - 1.6 * BAR_WIDTH, t + 1.6 * BAR_WIDTH, math.nan]
        ys += [value, value, math.nan]
    ax.plot(xs, ys, color="black", ls="--", lw=1.8, label=_s("toy_plot_exact_pos", lang))
    ax.set_xticks(positions)
    ax.set_title(_s("toy_plot_pos_title", lang))
    ax.set_xlabel(_s("toy_plot_pos_x", lang))
    ax.set_ylabel(_s("toy_plot_kl_y", lang))
    ax.legend(loc="upper left", fontsize=9, framealpha=0.9)

    # (b) whole responses: the sums of the per-token estimators against the exact sequence KL.
    ax = axes[1]
    for i, name in enumerate(ESTIMATORS):
        ax.bar([i], [sampled[name]["sequence"]], 0.6, yerr=[sampled[name]["sequence_se"]], capsize=5,
               color=COLORS[name], alpha=0.85, label=_s("toy_plot_estimator", lang, name=name))
    ax.axhline(exact["sequence_kl"], color="black", ls="--", lw=1.8,
               label=_s("toy_plot_exact_seq", lang, kl=f"{exact['sequence_kl']:.4f}"))
    ax.set_xticks(range(len(ESTIMATORS)), ESTIMATORS)
    ax.set_title(_s("toy_plot_seq_title", lang))
    ax.set_ylabel(_s("toy_plot_kl_y", lang))
    ax.set_ylim(0, 1.65 * max(exact["sequence_kl"], *(sampled[n]["sequence"] for n in ESTIMATORS)))  # legend room
    ax.legend(loc="upper right", fontsize=9, framealpha=0.9)

    # (c) gradients: the exact one as bars, each estimator's use as markers beside it.
    ax = axes[2]
    grads = result["gradients"]
    components = np.arange(len(result["parameters"]))
    ax.bar(components, grads["exact"]["vector"], 0.8, color="#d9d9d9", edgecolor="#7f7f7f",
           label=_s("toy_plot_grad_exact", lang))
    for i, key in enumerate(GRADIENT_ROWS):
        color, marker = GRADIENT_STYLE[key]
        dodge = (i - (len(GRADIENT_ROWS) - 1) / 2) * 0.16  # side by side within a component's bar
        ax.plot(components + dodge, grads[key]["vector"], ls="none", marker=marker, ms=6, color=color,
                label=_s("toy_plot_grad_series", lang, label=_s(f"toy_grad_{key}", lang),
                         error=f"{grads[key]['error']:.4f}"))
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xticks(components, result["parameters"], rotation=45, ha="right")
    ax.set_title(_s("toy_plot_grad_title", lang))
    ax.set_xlabel(_s("toy_plot_grad_x", lang))
    ax.set_ylabel(_s("col_gradient", lang))
    values = [v for key in ("exact", *GRADIENT_ROWS) for v in grads[key]["vector"]]
    low, high = min(values + [0.0]), max(values + [0.0])
    ax.set_ylim(low - 0.08 * (high - low), high + 0.55 * (high - low))  # room for the legend above the data
    ax.legend(loc="upper center", ncols=2, fontsize=8.5, framealpha=0.9)
    return fig


def save_plot(result: dict, path: str | Path, lang: str = "en") -> list[Message]:
    """Draw ``result`` into ``path`` (.png, .svg or .pdf); returns notes for the user (e.g. no CJK font)."""
    return save_figure(lambda chosen: make_figure(result, chosen), path, lang)
