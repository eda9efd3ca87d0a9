"""The rollout-correction panel's figure (`kldrill lab --toy-lm --is-weights --plot FILE`): its table, drawn.

Every number comes from the dict grader.lab.is_lab.run returns (the one the table prints and --json dumps).
Three panels against the drift, measured as KL(pi_rollout || pi_train): each weight's bias, its standard
deviation per response (log scale), and the error of a batch (log scale).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from grader.lab.messages import Message
from grader.lab.plot import save_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

STYLE = {"none": ("#7f7f7f", "x", "-"), "token": ("#1f77b4", "o", "-"), "token_tis": ("#1f77b4", "o", "--"),
         "sequence": ("#d62728", "s", "-"), "sequence_tis": ("#d62728", "s", "--"),
         "sequence_mis": ("#d62728", "s", ":"), "geometric": ("#2ca02c", "D", "-")}


def _s(key: str, lang: str, **fields: object) -> str:
    return Message(key, **fields).render(lang)


def make_figure(result: dict, lang: str = "en") -> "Figure":
    from matplotlib.figure import Figure

    fig = Figure(figsize=(17, 5.2), dpi=100, layout="constrained")
    axes = fig.subplots(1, 3)
    cap = f"{result['cap']:g}"
    fig.suptitle(_s("toy_is_plot_title", lang, length=result["length"], cap=cap), fontsize=13)
    xs = [d["kl_rollout_train"] for d in result["drifts"]]
    for ax, metric, title in zip(axes, ("bias", "std", "rmse"), ("toy_is_plot_bias", "toy_is_plot_std",
                                                                  "toy_is_plot_rmse")):
        for key in result["rows"]:
            color, marker, ls = STYLE[key]
            ax.plot(xs, [d["rows"][key][metric] for d in result["drifts"]], color=color, marker=marker, ls=ls,
                    label=_s(f"toy_is_row_{key}", lang, cap=cap))
        if metric != "bias":
            ax.set_yscale("log")
        ax.set_title(_s(title, lang))
        ax.set_xlabel(_s("toy_is_plot_x", lang))
    axes[0].legend(loc="upper left", fontsize=9, framealpha=0.9)
    return fig


def save_plot(result: dict, path: str | Path, lang: str = "en") -> list[Message]:
    """Draw ``result`` into ``path`` (.png, .svg or .pdf); returns notes for the user (e.g. no CJK font)."""
    return save_figure(lambda chosen: make_figure(result, chosen), path, lang)
