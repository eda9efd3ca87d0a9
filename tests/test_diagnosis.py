"""Named-mistake diagnosis: every catalogued mistake is caught by the checks and named by behaviour."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from grader.judging.grading import grade_many

ROOT = Path(__file__).resolve().parent.parent

# (expected mistake id, exercise, body). Styles differ on purpose: diagnosis must not depend on the text.
WRONG = [
    ("sign_flipped", "k1", "return log_p - log_q"),
    ("sign_flipped", "k3", "lr = log_p - log_q\n    return lr - torch.expm1(lr)"),
    ("sign_flipped", "grpo_kl", "d = pi_ref_logprob - pi_logprob\n    return -(d.exp() - d - 1)"),
    ("ratio_inverted", "k3", "lr = log_q - log_p\n    return lr.exp() - 1 - lr"),
    ("ratio_inverted", "grpo_kl", "x = pi_logprob - pi_ref_logprob\n    return torch.exp(x) - x - 1"),
    ("missing_half", "k2", "return torch.square(log_p - log_q)"),
    ("missing_minus_one", "k3", "r = torch.exp(log_p - log_q)\n    return r - torch.log(r)"),
    ("missing_minus_one", "grpo_kl", "d = pi_ref_logprob - pi_logprob\n    return d.exp() - d"),
    ("double_exp", "k3", "r = (log_p - log_q).exp()\n    return r.exp() - (log_p - log_q) - 1"),
    ("reduced", "k1", "return (log_q - log_p).mean()"),
    ("reduced", "k3", "lr = log_p - log_q\n    return (torch.expm1(lr) - lr).sum()"),
    ("detached", "k2", "with torch.no_grad():\n        return (log_p - log_q) ** 2 / 2"),
    ("numpy_round_trip", "grpo_kl", "import numpy as np\n    d = (pi_ref_logprob - pi_logprob).detach().numpy()\n"
                                    "    return torch.from_numpy(np.exp(d) - d - 1)"),
    ("detached", "k3", "lr = (log_p - log_q).detach()\n    return torch.expm1(lr) - lr"),
    # Correct before issue #12's exact contracts: float32 arithmetic on float64 inputs, and a result in
    # the wider reward's dtype.
    ("lost_precision", "k3", "lr = (log_p - log_q).float()\n    return (lr.exp() - 1 - lr).to(log_p.dtype)"),
    ("wrong_dtype", "compute_rewards_kl", "import torch.nn.functional as F\n"
                                          "    return -kl_ctl * (old_logprobs - ref_logprobs) + "
                                          "F.pad(reward, (old_logprobs.shape[1] - 1, 0))"),
    ("wrong_dtype", "compute_rewards_kl", "kl = -kl_ctl * (old_logprobs - ref_logprobs)\n"
                                          "    return torch.cat([kl[:, :-1], kl[:, -1:] + reward], dim=1)"),
    ("input_mutated", "k1", "log_q.sub_(log_p)\n    return log_q"),
    ("input_mutated", "compute_rewards_kl",
     "old_logprobs -= ref_logprobs\n    old_logprobs *= -kl_ctl\n    old_logprobs[:, -1] += reward[:, 0]\n"
     "    return old_logprobs"),
    ("reward_wrong_position", "compute_rewards_kl",
     "r = -kl_ctl * (old_logprobs - ref_logprobs)\n    r[:, 0] = r[:, 0] + reward[:, 0]\n    return r"),
    ("reward_every_token", "compute_rewards_kl", "return reward - kl_ctl * (old_logprobs - ref_logprobs)"),
    ("reward_not_added", "compute_rewards_kl", "return -kl_ctl * (old_logprobs - ref_logprobs)"),
    ("kl_sign_flipped", "compute_rewards_kl",
     "r = -kl_ctl * (ref_logprobs - old_logprobs)\n    r[:, -1] += reward[:, 0]\n    return r"),
    ("kl_ctl_ignored", "compute_rewards_kl",
     "r = ref_logprobs - old_logprobs\n    r[:, -1] += reward.squeeze(1)\n    return r"),
    ("no_return", "compute_rewards_kl",
     "kl_reward = -kl_ctl * (old_logprobs - ref_logprobs)\n    kl_reward[:, -1] += reward[:, 0]"),
    ("not_a_tensor", "k1", "return (log_q - log_p).tolist()"),
    ("wrong_dtype", "k1", "return (log_q - log_p).double()"),
    ("underflow_ratio", "k3", "r = torch.exp(log_p) / torch.exp(log_q)\n    return r - 1 - torch.log(r)"),
    ("clamped_at_10", "grpo_kl", "d = (pi_ref_logprob - pi_logprob).clamp(-20, 20)\n    return (d.exp() - d - 1).clamp(-10, 10)"),
    ("clamped", "k3", "lr = log_p - log_q\n    return torch.nan_to_num(torch.expm1(lr) - lr, posinf=1e30)"),
    ("wrong_estimator_k1", "grpo_kl", "return pi_logprob - pi_ref_logprob"),
    ("reward_wrong_position", "compute_rewards_kl",
     "r = kl_ctl * (ref_logprobs - old_logprobs)\n    r[:, -2] += reward[:, 0]\n    return r"),
    ("reward_overwrites_kl", "compute_rewards_kl",
     "r = -kl_ctl * (old_logprobs - ref_logprobs)\n    r[:, -1] = reward[:, 0]\n    return r"),
    ("reduced", "k2", "return ((log_p - log_q) ** 2 / 2).mean().item()"),
]

CORRECT = [
    ("k1", "return torch.neg(log_p - log_q)"),
    ("k1", "return (log_q.double() - log_p.double()).to(torch.result_type(log_p, log_q))"),
    ("k2", "return torch.square(log_p - log_q) * 0.5"),
    ("k2", "lambda log_p, log_q: (log_q - log_p) ** 2 / 2"),
    ("k3", "lr = log_p - log_q\n    return torch.exp(lr) - 1 - lr"),
    ("compute_rewards_kl", "rewards = (ref_logprobs - old_logprobs).clone() * kl_ctl\n"
                           "    rewards[..., -1] = rewards[..., -1] + reward[:, -1]\n    return rewards"),
    ("compute_rewards_kl", "kl = -kl_ctl * (old_logprobs - ref_logprobs)\n"
                           "    return torch.cat([kl[:, :-1], kl[:, -1:] + reward.to(kl.dtype)], dim=1)"),
    ("compute_rewards_kl", "out = torch.zeros_like(old_logprobs)\n    out.copy_(old_logprobs - ref_logprobs)\n"
                           "    out.mul_(-kl_ctl)\n    T = out.shape[1]\n"
                           "    out.index_put_((torch.arange(out.shape[0]), torch.full((out.shape[0],), T - 1)),"
                           " reward[:, 0].to(out.dtype), accumulate=True)\n    return out"),
    ("k2", "return 0.5 * (log_p - log_q).pow(2)"),
    ("k3", "lr = log_p - log_q\n    w = lr.float() if lr.dtype in (torch.bfloat16, torch.float16) else lr\n"
           "    return (w.exp() - 1 - w).to(lr.dtype)"),
    ("grpo_kl", "lr = pi_ref_logprob - pi_logprob\n    return torch.exp(lr) - lr - 1"),
    ("grpo_kl", "lr = pi_ref_logprob.detach() - pi_logprob\n    return torch.special.expm1(lr) - lr"),
    ("compute_rewards_kl", "import torch.nn.functional as F\n"
                           "    kl = -kl_ctl * (old_logprobs - ref_logprobs)\n"
                           "    return kl + F.pad(reward.to(kl.dtype), (old_logprobs.shape[1] - 1, 0))"),
]

SIGNATURES = {"k1": "log_p, log_q", "k2": "log_p, log_q", "k3": "log_p, log_q",
              "grpo_kl": "pi_logprob, pi_ref_logprob",
              "compute_rewards_kl": "reward, ref_logprobs, old_logprobs, kl_ctl"}


def source(exercise: str, body: str) -> str:
    if body.startswith("lambda"):
        return f"import torch\n\n{exercise} = {body}\n"
    return f"import torch\n\n\ndef {exercise}({SIGNATURES[exercise]}):\n    {body}\n"


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("diag")
    cases = [("wrong", i, ex, body) for i, (_, ex, body) in enumerate(WRONG)] + \
            [("correct", i, ex, body) for i, (ex, body) in enumerate(CORRECT)]
    paths = []
    for kind, i, ex, body in cases:
        path = tmp / f"{kind}_{i}_{ex}.py"
        path.write_text(source(ex, body))
        paths.append(path)
    results = grade_many(paths)
    return {(kind, i): r for (kind, i, _, _), r in zip(cases, results)}


def test_catalogue_has_the_required_ids() -> None:
    ids = [m["id"] for m in yaml.safe_load((ROOT / "grader/data/mistakes.yaml").read_text())["mistakes"]]
    required = {"sign_flipped", "ratio_inverted", "missing_half", "missing_minus_one", "reduced", "detached",
                "reward_wrong_position", "reward_every_token", "reward_not_added", "kl_sign_flipped",
                "kl_ctl_ignored", "input_mutated"}
    assert required <= set(ids) and len(ids) == len(set(ids))
    messages = [m["message"] for m in yaml.safe_load((ROOT / "grader/data/mistakes.yaml").read_text())["mistakes"]]
    assert all(m.get("en") and m.get("zh") for m in messages)


@pytest.mark.parametrize("index", range(len(WRONG)), ids=[f"{w[0]}-{w[1]}" for w in WRONG])
def test_wrong_implementation_is_caught_and_named(verdicts: dict, index: int) -> None:
    """Wrong maths fails; a mistake that is a convention's choice (a clamp beyond ordinary inputs, another
    dtype) passes on the maths with that convention missed and named, short of full marks, and fails --strict."""
    mistake, exercise, _ = WRONG[index]
    result = verdicts[("wrong", index)]
    by_name = {e.name: e for e in result.exercises}
    e = by_name[exercise]
    assert not all(c.passed for c in e.checks)
    if e.status == "passed":
        assert e.core and e.missed and e.score < e.max_score, e.first_failure()
    else:
        assert e.status == "failed"
    assert e.diagnosis is not None, e.first_failure()
    assert e.diagnosis["id"] == mistake
    assert {e.status for n, e in by_name.items() if n != exercise} == {"missing"}


@pytest.mark.parametrize("index", range(len(CORRECT)), ids=[c[0] for c in CORRECT])
def test_correct_implementation_passes_undiagnosed(verdicts: dict, index: int) -> None:
    exercise = CORRECT[index][0]
    e = {e.name: e for e in verdicts[("correct", index)].exercises}[exercise]
    assert e.status == "passed", e.first_failure()
    assert e.diagnosis is None


def test_every_track_3_model_differs_from_the_reference_on_its_probe() -> None:
    # A model that matches the correct result on the probe would name every function that is right
    # there (the gae probe's padding once made the padding leak cancel exactly).
    import torch

    from grader.diagnosis import track3 as diagnosis_track3
    from grader.checks.support import reference
    from grader.diagnosis.engine import catalogue

    for mistake in catalogue():
        if mistake.kind != "model" or mistake.id not in diagnosis_track3.MODELS:
            continue
        for exercise in mistake.exercises:
            if exercise not in diagnosis_track3.SPECS:
                continue
            args = diagnosis_track3.SPECS[exercise].probe()
            want = reference(exercise)(*args)
            want = list(want) if isinstance(want, (tuple, list)) else [want]
            got = diagnosis_track3.MODELS[mistake.id](args)

            def same(g, w) -> bool:  # an item may list the alternative forms the mistake takes
                if isinstance(g, list):
                    return any(same(a, w) for a in g)
                if g is None:  # the mistake raises on this probe (grader/diagnosis/track3.py's fallback probes)
                    return False
                return g.shape == w.shape and torch.allclose(g.double(), w.double(), atol=1e-6, equal_nan=True)

            assert not all(same(g, w) for g, w in zip(got, want)), (exercise, mistake.id)


VERL_GAE = '''import torch


def gae(rewards, values, mask, gamma, lam):
    # verl's compute_gae_advantage_return: returns = A + V left at padding, advantages whitened inside
    T = rewards.shape[1]
    adv = torch.zeros_like(rewards)
    running = torch.zeros_like(rewards[:, 0])
    for t in reversed(range(T)):
        nxt = values[:, t + 1] * mask[:, t + 1] if t + 1 < T else torch.zeros_like(running)
        running = (rewards[:, t] + gamma * nxt - values[:, t] + gamma * lam * running) * mask[:, t]
        adv[:, t] = running
    returns = adv + values
    real = adv[mask.bool()]
    if real.numel() > 1:
        adv = (adv - real.mean()) / real.std() * mask
    return adv, returns
'''


def test_mistakes_named_beside_the_diagnosis_reach_every_output(tmp_path: Path) -> None:
    """Issue 25: code that differs in two ways (verl's GAE: whitened, and returns unmasked at padding) has both
    named, the first as the diagnosis and the other beside it, in the JSON (valid against its schema), the
    table, CSV, JUnit, Gradescope, the notebook view and a drill's outcome, in English and Chinese."""
    import json
    import subprocess
    import sys
    import xml.etree.ElementTree as ET

    import jsonschema

    from grader.reporting.exports import to_csv, to_gradescope, to_junit_xml
    from grader.notebook import CheckResult as Verdict
    from grader.practice.drills import NOT_FIXED, judge
    from grader.reporting.report import render

    path = tmp_path / "gae.py"
    path.write_text(VERL_GAE, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "grader", "grade", str(path), "--json", "--no-sandbox"],
                          capture_output=True, text=True, timeout=600)
    doc = json.loads(proc.stdout)
    schema = json.loads((ROOT / "tests" / "schemas" / "kldrill_grade.schema.json").read_text())
    jsonschema.validate(doc, schema)
    (e_doc,) = doc["exercises"]
    assert e_doc["status"] == "passed" and e_doc["diagnosis"]["id"] == "advantages_whitened"
    assert [a["id"] for a in e_doc["diagnosis"]["also"]] == ["padding_not_zeroed"]
    from grader.judging.results import GradeResult

    result = GradeResult.from_json(doc)
    e = result.exercises[0]
    assert e.diagnosis_ids == ["advantages_whitened", "padding_not_zeroed"]
    for lang, beside, verl in (("en", "also: Your results are not 0 at padding", "volcengine/verl b178a3c"),
                               ("zh", "另外：你的结果在 padding 上不为 0", "volcengine/verl b178a3c")):
        table = render(result, lang)
        assert beside in table and verl in table
        assert beside in repr(Verdict(e, lang))
        assert beside.split(": ", 1)[-1].split("：", 1)[-1] in Verdict(e, lang)._repr_html_()
        assert beside in to_gradescope(result, lang)["tests"][0]["output"]
    assert "gae=advantages_whitened+padding_not_zeroed" in to_csv([result], ["gae"])
    assert {"advantages_whitened", "padding_not_zeroed"} <= set(to_gradescope(result)["tests"][0]["tags"])
    props = {p.get("name"): p.get("value") for p in ET.fromstring(to_junit_xml([result])).iter("property")}
    assert props["diagnosis.gae"] == "advantages_whitened" and props["diagnosis_also.gae"] == "padding_not_zeroed"
    # A drill whose planted mistake is named beside another is not fixed.
    assert judge("gae", "padding_not_zeroed", replace(e, status="failed")).kind == NOT_FIXED


def test_track_4_names_a_convention_beside_its_core_mistake(write) -> None:
    """Track 4 as tracks 2 and 3: an inverted ratio is the diagnosis, and an unknown level that silently means
    "token" is named beside it; a correct function with only the convention missed gets the convention alone."""
    import json
    import subprocess
    import sys

    def diagnosis(source: str) -> dict:
        path = write("is_weights.py", source)
        proc = subprocess.run([sys.executable, "-m", "grader", "grade", str(path), "--json", "--no-sandbox"],
                              capture_output=True, text=True, timeout=600)
        (entry,) = json.loads(proc.stdout)["exercises"]
        return entry["diagnosis"]

    inverted = (ROOT / "tests" / "variants" / "wrong" / "is_weights__inverted.py").read_text(encoding="utf-8")
    wrong = diagnosis(inverted)
    assert wrong["id"] == "is_ratio_inverted" and [a["id"] for a in wrong.get("also", [])] == ["is_no_option_error"]
    right = diagnosis(inverted.replace("logp_rollout - logp_train", "logp_train - logp_rollout"))
    assert right["id"] == "is_no_option_error" and "also" not in right, right


def test_the_names_the_issue_asked_for_say_who_does_it_and_what_the_contract_asks() -> None:
    """Issue 25's examples, in both languages: a framework's choice names the framework and its commit; grpo_loss's
    ratio is PPO's pi_theta / pi_old; an epsilon in k1's log is not called float32 or a Taylor series."""
    messages = {m["id"]: m["message"] for m in yaml.safe_load((ROOT / "grader/data/mistakes.yaml").read_text())["mistakes"]}
    frameworks = {"dual_clip": ("verl", "clip_ratio_c = 3", "b178a3c"), "clamped_at_10": ("OpenRLHF", "3c3be62", "1dda039"),
                  "adv_eps_fixed": ("TRL", "f2cd577", "1e-4", "3c3be62"), "score_off_by_one": ("TRL", "f2cd577"),
                  "empty_row_scored": ("TRL", "f2cd577"), "padding_not_zeroed": ("verl", "b178a3c"),
                  "advantages_whitened": ("verl", "b178a3c", "f2cd577"), "drgrpo_over_length": ("b178a3c", "1dda039"),
                  "k3_output_clamp_only": ("OpenRLHF", "3c3be62"), "arguments_not_checked": ("1dda039", "3c3be62")}
    for mistake, words in frameworks.items():
        for lang in ("en", "zh"):
            assert all(w in messages[mistake][lang] for w in words), (mistake, lang)
    for lang in ("en", "zh"):
        assert "pi_theta/pi_old" in messages["ppo_ratio_inverted"][lang]
        assert "pi_ref" not in messages["ppo_ratio_inverted"][lang]
        assert not any(w in messages["log_epsilon"][lang] for w in ("float32", "Taylor", "泰勒"))
        assert "denormal" in messages["underflow_ratio"]["en"] and "非规格化" in messages["underflow_ratio"]["zh"]


def test_every_catalogued_mistake_has_its_model_or_detector_in_each_exercise() -> None:
    """The catalogue is data, the behaviour code: an id with no model or detector for an exercise it lists
    would never be named there, and a model with no catalogue entry is dead."""
    from grader.diagnosis import engine as diagnosis, grpo as diagnosis_grpo, track3 as diagnosis_track3
    from grader.diagnosis import track4 as diagnosis_track4
    from grader.diagnosis.engine import catalogue, composites
    from grader.exercises import get

    generic = {"no_return", "not_a_tensor", "input_mutated", "reduced", "nondeterministic"}
    controller = set(diagnosis_track3.CONTROLLER_MODELS) | {"controller_shared_state", "arguments_not_checked"}
    missing = []
    for m in catalogue():
        for e in m.exercises:
            track = get(e).track
            if m.id in generic:
                continue
            if track == 1:
                ok = e in m.expr or m.id in diagnosis.DETECTORS or m.id == "reward_wrong_position"
            elif track == 2:
                ok = e in diagnosis_grpo.MODELS.get(m.id, {}) or m.id in diagnosis_grpo.DETECTORS
            elif e == "adaptive_kl_controller":
                ok = m.id in controller
            elif track == 4:
                ok = e in diagnosis_track4.MODELS.get(m.id, {}) or m.id in diagnosis_track4.DETECTORS
            else:
                ok = m.id in diagnosis_track3.MODELS or m.id in diagnosis_track3.DETECTORS or m.id in (
                    "not_summed", "kl_wrong_dim")
            if not ok:
                missing.append((e, m.id))
    assert missing == []
    ids = {m.id for m in catalogue()}
    combined = {c.id for c in composites()}
    for key in [*diagnosis_track3.MODELS, *diagnosis_grpo.MODELS, *diagnosis_track4.MODELS,
                *diagnosis_track4.DETECTORS]:
        assert key in ids or key in combined, key
    for c in composites():
        assert set(c.parts) <= ids and (c.id in diagnosis_track3.MODELS or c.id in diagnosis_grpo.MODELS), c
