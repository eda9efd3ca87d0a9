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
    dpo_loss = _dpo_loss()
    ref_t, r = torch.tensor(ref, dtype=torch.float64), torch.tensor(rewards, dtype=torch.float64)
    n = len(ref)
    pairs = [(i, j) for i in range(n) for j in range(n) if i != j]
    chosen, rejected = torch.tensor([i for i, _ in pairs]), torch.tensor([j for _, j in pairs])
    weight = torch.sigmoid(r[chosen] - r[rejected])  # P(i preferred to j), Bradley-Terry on the true r
    logits = ref_t.log().clone().requires_grad_(True)  # start at the reference: z = 0 for every pair
    opt = torch.optim.LBFGS([logits], lr=1.0, max_iter=500, tolerance_grad=1e-13, tolerance_change=1e-16)

    def closure() -> torch.Tensor:
        opt.zero_grad()
        lp = logits.log_softmax(-1)
        loss = (weight * dpo_loss(lp[chosen], lp[rejected], ref_t.log()[chosen], ref_t.log()[rejected], beta)[0]).sum()
        loss.backward()
        return loss

    opt.step(closure)
    closed = ref_t * torch.exp(r / beta)
    closed = closed / closed.sum()
    reached = logits.detach().softmax(-1)
    return {"ref": list(ref), "rewards": list(rewards), "beta": beta, "dpo": reached.tolist(),
            "closed_form": closed.tolist(), "max_error": float((reached - closed).abs().max())}


def render(result: dict, lang: str = "en") -> str:
    zh = lang == "zh"
    head = ("DPO 玩具实验：β = {beta}；最小化 dpo_loss 得到的策略 vs 闭式解 π* ∝ π_ref · exp(r/β)" if zh else
            "DPO on a toy policy, beta = {beta}: the policy that minimises dpo_loss vs the closed form "
            "pi* ∝ ref · exp(r / beta)").format(beta=result["beta"])
    lines = [head, "", "response   ref      r        DPO      closed form" if not zh else
             "回答       ref      r        DPO      闭式解"]
    for i, (p, r, d, c) in enumerate(zip(result["ref"], result["rewards"], result["dpo"], result["closed_form"])):
        lines.append(f"{i:>8}   {p:.4f}   {r:+.3f}   {d:.6f}   {c:.6f}")
    lines.append(("最大差异 {e:.2e}" if zh else "largest difference {e:.2e}").format(e=result["max_error"]))
    return "\n".join(lines)
