"""The DPO lab (`kldrill lab --dpo`): on a toy categorical policy, minimising the DPO loss over every
ordered pair of responses, each weighted by its Bradley-Terry preference probability under true rewards
r, reaches the closed-form optimum of max E[r] - beta KL(pi || ref): pi* proportional to ref * exp(r / beta).
The loss is kl-drill's reference dpo_loss (solutions/dpo_loss.py)."""

from __future__ import annotations

import importlib.util

import torch

from grader import resources


def _dpo_loss():
    spec = importlib.util.spec_from_file_location("_kldrill_lab_dpo_loss", resources.solutions_dir() / "dpo_loss.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.dpo_loss


def run(ref: tuple[float, ...] = (0.5, 0.3, 0.2), rewards: tuple[float, ...] = (1.0, 0.0, -0.5),
        beta: float = 0.5) -> dict:
    """Everything the table and the figure show, as plain data (the --json document)."""
    dpo_loss = _dpo_loss()
    ref_t, r = torch.tensor(ref, dtype=torch.float64), torch.tensor(rewards, dtype=torch.float64)
    n = len(ref)
    pairs = [(i, j) for i in range(n) for j in range(n) if i != j]
    chosen, rejected = torch.tensor([i for i, _ in pairs]), torch.tensor([j for _, j in pairs])
    weight = torch.sigmoid(r[chosen] - r[rejected])  # P(i preferred to j), Bradley-Terry on the true r
    logits = ref_t.log().clone().requires_grad_(True)  # start at the reference: z = 0 for every pair
    opt = torch.optim.LBFGS([logits], lr=1.0, max_iter=500, tolerance_grad=1e-13, tolerance_change=1e-16)
    losses: list[float] = []  # without a line search L-BFGS evaluates once per step: losses[k] after k steps

    def closure() -> torch.Tensor:
        opt.zero_grad()
        lp = logits.log_softmax(-1)
        loss = (weight * dpo_loss(lp[chosen], lp[rejected], ref_t.log()[chosen], ref_t.log()[rejected], beta)[0]).sum()
        loss.backward()
        losses.append(float(loss.detach()))
        return loss

    opt.step(closure)
    closed = ref_t * torch.exp(r / beta)
    closed = closed / closed.sum()
    reached = logits.detach().softmax(-1)
    # The loss is lowest where every pair's z = r_i - r_j (a cross-entropy against sigmoid(r_i - r_j)),
    # i.e. beta log(pi / ref) = r + const: pi*.
    margin = r[chosen] - r[rejected]
    minimum = float((weight * torch.nn.functional.softplus(-margin)).sum())
    return {"ref": list(ref), "rewards": list(rewards), "beta": beta, "dpo": reached.tolist(),
            "closed_form": closed.tolist(), "max_error": float((reached - closed).abs().max()),
            "pairs": len(pairs), "losses": losses, "loss_minimum": minimum}


def render(result: dict, lang: str = "en") -> str:
    from grader.lab.render import s
    from grader.reporting.table import render as table

    headers = [s("dpo_col_response", lang), "ref", "r", "DPO", s("dpo_col_closed", lang)]
    rows = [[str(i), f"{p:.4f}", f"{r:+.3f}", f"{d:.6f}", f"{c:.6f}"]
            for i, (p, r, d, c) in enumerate(zip(result["ref"], result["rewards"], result["dpo"],
                                                 result["closed_form"]))]
    losses = result["losses"]
    return "\n".join([s("dpo_header", lang, beta=result["beta"]), "", table(headers, rows),
                      s("dpo_largest", lang, e=f"{result['max_error']:.2e}"),
                      s("dpo_loss_line", lang, pairs=result["pairs"], start=f"{losses[0]:.6f}",
                        end=f"{losses[-1]:.6f}", steps=len(losses) - 1,
                        minimum=f"{result['loss_minimum']:.6f}")])
