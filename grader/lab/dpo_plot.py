"""The DPO lab's figure (`kldrill lab --dpo --plot FILE`): its table, drawn.

Every number comes from the dict grader.lab.dpo_lab.run returns, the one the table prints and --json
dumps. Two panels: dpo_loss after each L-BFGS step down to its exact minimum, and the policy it reaches
beside the reference and the closed form pi* ∝ ref · exp(r / beta).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from grader.lab.messages import Message
from grader.lab.plot import save_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

COLORS = {"ref": "#bdbdbd", "dpo": "#1f77b4", "closed": "#2f2f2f", "loss": "#d62728"}
BAR_WIDTH = 0.27


def _s(key: str, lang: str, **fields: object) -> str:
    return Message(key, **fields).render(lang)


def make_figure(result: dict, lang: str = "en") -> "Figure":
    """The two-panel figure of a dpo_lab.run() result; labels in ``lang``."""
    import numpy as np
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=(13, 4.8), dpi=100, layout="constrained")
    axes = fig.subplots(1, 2)
    fig.suptitle(_s("dpo_plot_title", lang, beta=result["beta"]), fontsize=13)

    # (a) the loss after each step: L-BFGS without a line search evaluates it once per step.
    ax = axes[0]
    losses = result["losses"]
    ax.plot(range(len(losses)), losses, "o-", color=COLORS["loss"], lw=1.6, ms=5, label="dpo_loss")
    ax.axhline(result["loss_minimum"], color="black", ls="--", lw=1.4,
               label=_s("dpo_plot_minimum", lang, value=f"{result['loss_minimum']:.6f}"))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(_s("dpo_plot_loss_title", lang))
    ax.set_xlabel(_s("dpo_plot_loss_x", lang))
    ax.set_ylabel(_s("dpo_plot_loss_y", lang, pairs=result["pairs"]))
    ax.grid(True, alpha=0.25)
    ax.legend(loc="upper right", fontsize=9, framealpha=0.9)

    # (b) the reference, the policy dpo_loss reaches, and the closed form, response by response.
    ax = axes[1]
    x = np.arange(len(result["ref"]))
    for offset, (key, label, fmt) in zip((-1, 0, 1), (("ref", "dpo_plot_ref", "%.2f"),
                                                        ("dpo", "dpo_plot_dpo", "%.4f"),
                                                        ("closed_form", "dpo_plot_closed", "%.4f"))):
        color = COLORS["closed" if key == "closed_form" else key]
        bars = ax.bar(x + offset * BAR_WIDTH, result[key], BAR_WIDTH, color=color, label=_s(label, lang),
                      alpha=0.9 if key != "ref" else 1.0)
        ax.bar_label(bars, fmt=fmt, fontsize=8, padding=2)
    ax.set_xticks(x, [f"y{i} (r = {'+' if r > 0 else ''}{r:g})" for i, r in enumerate(result["rewards"])])
    ax.set_ylim(0, 1.12 * max(max(result["ref"]), max(result["dpo"]), max(result["closed_form"])))
    ax.set_title(_s("dpo_plot_policy_title", lang))
    ax.set_xlabel(_s("dpo_plot_policy_x", lang))
    ax.set_ylabel(_s("dpo_plot_policy_y", lang))
    ax.legend(loc="upper right", fontsize=9, framealpha=0.9)
    return fig


def save_plot(result: dict, path: str | Path, lang: str = "en") -> list[Message]:
    """Draw ``result`` into ``path`` (.png, .svg or .pdf); returns notes for the user (e.g. no CJK font)."""
    return save_figure(lambda chosen: make_figure(result, chosen), path, lang)
