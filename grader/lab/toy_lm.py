"""The toy-LM lab (`kldrill lab --toy-lm`): a tiny autoregressive policy and reference where every sum
over responses can be done exactly, so the sampled per-token k1/k2/k3 sit beside the exact KL per
position (exact_kl's quantity), the exact sequence-level KL, and the exact gradients.

The model: a vocabulary of V tokens, responses of L tokens; token t's logits are a table indexed by the
previous token (the first by nothing). Everything is float64 and enumerated over the V^L responses.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import torch


@dataclass
class ToyLM:
    first: torch.Tensor  # (V,) logits of token 0
    table: torch.Tensor  # (V, V) logits of token t > 0 given token t - 1

    def log_probs(self, seq: torch.Tensor) -> torch.Tensor:
        """(N, L) sequences -> (N, L) log-probabilities of each token given its prefix."""
        out = [self.first.log_softmax(-1)[seq[:, 0]]]
        for t in range(1, seq.shape[1]):
            out.append(self.table.log_softmax(-1)[seq[:, t - 1], seq[:, t]])
        return torch.stack(out, 1)

    def next_logits(self, seq: torch.Tensor) -> torch.Tensor:
        """(N, L) -> (N, L, V): the logits each position was sampled from."""
        rows = [self.first.expand(seq.shape[0], -1)] + [self.table[seq[:, t - 1]] for t in range(1, seq.shape[1])]
        return torch.stack(rows, 1)

    def sample(self, n: int, length: int, generator: torch.Generator) -> torch.Tensor:
        tokens = [torch.multinomial(self.first.softmax(-1), n, replacement=True, generator=generator)]
        for _ in range(1, length):
            probs = self.table.softmax(-1)[tokens[-1]]
            tokens.append(torch.multinomial(probs, 1, generator=generator)[:, 0])
        return torch.stack(tokens, 1)


def default_models(vocab: int = 3) -> tuple[ToyLM, ToyLM]:
    """A fixed policy and reference (seeded), far enough apart that k2's bias shows."""
    g = torch.Generator().manual_seed(7)
    policy = ToyLM(torch.randn(vocab, generator=g, dtype=torch.float64),
                   1.5 * torch.randn(vocab, vocab, generator=g, dtype=torch.float64))
    ref = ToyLM(torch.randn(vocab, generator=g, dtype=torch.float64),
                1.5 * torch.randn(vocab, vocab, generator=g, dtype=torch.float64))
    return policy, ref


def all_sequences(vocab: int, length: int) -> torch.Tensor:
    return torch.tensor(list(itertools.product(range(vocab), repeat=length)), dtype=torch.long)


def kl_per_position(p: torch.Tensor, q: torch.Tensor) -> torch.Tensor:
    """exact_kl's quantity, KL(P || Q) over the last dimension, from logits (kl-drill's reference formula)."""
    lp, lq = p.log_softmax(-1), q.log_softmax(-1)
    return (lp.exp() * (lp - lq)).sum(-1)


def exact(policy: ToyLM, ref: ToyLM, length: int) -> dict:
    """Exact quantities by enumeration: the sequence KL, and per position the expected exact KL given the
    prefix (their sum is the sequence KL: the chain rule)."""
    seqs = all_sequences(policy.first.shape[0], length)
    lp, lr = policy.log_probs(seqs), ref.log_probs(seqs)
    weight = lp.sum(1).exp()  # pi(y)
    sequence_kl = float((weight * (lp.sum(1) - lr.sum(1))).sum())
    per_pos = kl_per_position(policy.next_logits(seqs), ref.next_logits(seqs))  # (N, L), given each prefix
    expected_per_pos = (weight[:, None] * per_pos).sum(0)
    return {"sequence_kl": sequence_kl, "per_position": expected_per_pos.tolist(),
            "chain_rule_gap": abs(float(expected_per_pos.sum()) - sequence_kl)}


def sampled(policy: ToyLM, ref: ToyLM, length: int, n: int, seed: int) -> dict:
    """Per position, the mean (and standard error) of k1, k2, k3 on sampled tokens; and of their sum
    over the response, against the exact sequence KL."""
    seqs = policy.sample(n, length, torch.Generator().manual_seed(seed))
    log_r = ref.log_probs(seqs) - policy.log_probs(seqs)  # log r = log ref - log pi per token (x ~ pi)
    estimators = {"k1": -log_r, "k2": log_r ** 2 / 2, "k3": torch.expm1(log_r) - log_r}
    out = {}
    for name, values in estimators.items():
        total = values.sum(1)
        out[name] = {"per_position": values.mean(0).tolist(),
                     "per_position_se": (values.std(0) / math.sqrt(n)).tolist(),
                     "sequence": float(total.mean()), "sequence_se": float(total.std() / math.sqrt(n))}
    return out


def gradients(policy: ToyLM, ref: ToyLM, length: int) -> dict:
    """Exact expected gradients (w.r.t. the policy's parameters, flattened) of: the sequence KL itself;
    per-token k1, k2 and k3 used as losses (pathwise, as autograd computes them on sampled tokens); and k1
    in the reward, with REINFORCE on the return (the KL of the rest of the response, as PPO's returns
    carry it). Expectations are exact sums over every response, weighted by pi(y) (detached)."""
    first = policy.first.clone().requires_grad_(True)
    table = policy.table.clone().requires_grad_(True)
    model = ToyLM(first, table)
    seqs = all_sequences(first.shape[0], length)
    lp, lr = model.log_probs(seqs), ref.log_probs(seqs)
    weight = lp.sum(1).exp()

    def grad(objective: torch.Tensor) -> torch.Tensor:
        g = torch.autograd.grad(objective, [first, table], retain_graph=True, allow_unused=True)
        return torch.cat([(x if x is not None else torch.zeros_like(p)).reshape(-1) for x, p in zip(g, (first, table))])

    w = weight.detach()
    log_r = lr - lp
    result = {"exact": grad((weight * (lp.sum(1) - lr.sum(1))).sum())}
    for name, term in {"k1_loss": -log_r, "k2_loss": log_r ** 2 / 2, "k3_loss": torch.expm1(log_r) - log_r}.items():
        result[name] = grad((w * term.sum(1)).sum())
    k1 = (lp - lr).detach()
    returns = k1.flip(1).cumsum(1).flip(1)  # sum of the per-token KL from t to the end
    result["k1_reward"] = grad((w * (lp * returns).sum(1)).sum())
    return result


def parameter_names(vocab: int) -> list[str]:
    """Names of the gradient's components, in gradients()' order: token 0's logits, then the table's."""
    return [f"y0={a}" for a in range(vocab)] + [f"{a}→{b}" for a in range(vocab) for b in range(vocab)]


ESTIMATORS = ("k1", "k2", "k3")
GRADIENT_ROWS = ("k1_loss", "k2_loss", "k3_loss", "k1_reward")  # the table's rows, the figure's series


def run(vocab: int = 3, length: int = 2, samples: int = 200_000, seed: int = 0) -> dict:
    """Everything the table and the figure show, as plain data (the --json document)."""
    policy, ref = default_models(vocab)
    grads = gradients(policy, ref, length)
    norm = float(grads["exact"].norm())
    return {"vocab": vocab, "length": length, "samples": samples, "seed": seed,
            "exact": exact(policy, ref, length), "sampled": sampled(policy, ref, length, samples, seed),
            "gradients": {name: {"error": float((g - grads["exact"]).norm()), "norm": float(g.norm()),
                                 "vector": g.tolist()} for name, g in grads.items()},
            "exact_gradient_norm": norm, "parameters": parameter_names(vocab)}


def render(result: dict, lang: str = "en") -> str:
    from grader.lab.render import s
    from grader.reporting.table import render as table

    ex, sm = result["exact"], result["sampled"]
    lines = [s("toy_header", lang, vocab=result["vocab"], length=result["length"],
               samples=f"{result['samples']:,}", seed=result["seed"],
               responses=result["vocab"] ** result["length"]), ""]
    headers = [s("toy_col_position", lang), s("toy_col_exact", lang),
               *(s("toy_col_mean", lang, name=k) for k in ESTIMATORS)]

    def cell(mean: float, se: float) -> str:
        return f"{mean:.5f} ± {se:.5f}"

    rows = [[str(t), f"{value:.6f}", *(cell(sm[k]["per_position"][t], sm[k]["per_position_se"][t])
                                       for k in ESTIMATORS)] for t, value in enumerate(ex["per_position"])]
    rows.append([s("toy_row_sequence", lang), f"{ex['sequence_kl']:.6f}",
                 *(cell(sm[k]["sequence"], sm[k]["sequence_se"]) for k in ESTIMATORS)])
    lines += [table(headers, rows), s("toy_note", lang), "",
              s("toy_grad_header", lang, n=f"{result['exact_gradient_norm']:.4f}")]
    grad_rows = [[s(f"toy_grad_{key}", lang), f"{result['gradients'][key]['error']:.6f}",
                  f"{result['gradients'][key]['norm']:.6f}"] for key in GRADIENT_ROWS]
    lines.append(table([s("col_used_as", lang), s("toy_col_error", lang), s("toy_col_norm", lang)], grad_rows))
    lines.append(s("toy_grad_note", lang))
    return "\n".join(lines)
