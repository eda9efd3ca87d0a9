"""Hidden checks of generalized_jsd, GKD's generalised Jensen-Shannon divergence as TRL defines it (track 4)."""

from __future__ import annotations

import pytest
import torch

from grader.checks.inputs import generator
from grader.checks.support import (CheckFailure, Text, call, check_device, check_result, check_unmodified,
                                   check_values, describe_call, reference, reference_with_grads)
from grader.checks.track4 import mask_of

pytestmark = pytest.mark.exercise("generalized_jsd")
EX = "generalized_jsd"


def make(batch: int, length: int, vocab: int, seed: int, dtype: torch.dtype = torch.float64,
         mask_kind: str = "right-padded", spread: float = 1.0) -> list[torch.Tensor]:
    """(student_logits, teacher_logits, mask): logits of ordinary size, a teacher ``spread`` away."""
    g = generator(seed)
    student = 1.5 * torch.randn(batch, length, vocab, generator=g, dtype=torch.float64)
    teacher = student + spread * torch.randn(batch, length, vocab, generator=g, dtype=torch.float64) + 0.3
    mask = mask_of(mask_kind, batch, length, g)
    return [student.to(dtype), teacher.to(dtype), mask.to(dtype)]


def scale(tensors: list[torch.Tensor]) -> torch.Tensor:
    """What a correct computation rounds: per position, the log-probabilities weighted by the distributions
    (summed over the vocabulary), whose size grows with the logits'."""
    student, teacher = tensors[0].double(), tensors[1].double()
    if student.numel() == 0:
        return torch.tensor(1.0, dtype=torch.float64)
    ls, lp = student.log_softmax(-1), teacher.log_softmax(-1)
    weighted = ((ls.exp() + lp.exp()) * (ls.abs() + lp.abs())).sum(-1).max()
    return 1.0 + weighted + student.abs().max() + teacher.abs().max()


def run(learner, tensors: list[torch.Tensor], beta: float, want: torch.Tensor | None = None) -> None:
    args = [tensors[0], tensors[1], beta, tensors[2]]
    want = reference(EX)(tensors[0].double(), tensors[1].double(), beta, tensors[2].double()) if want is None else want
    result = call(learner, EX, args)
    check_result(EX, args, result, want, tensors[0].dtype, scale(tensors))


def kl(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """KL(softmax(a) || softmax(b)) per position, written out (float64)."""
    pa, pb = a.softmax(-1), b.softmax(-1)
    return (pa * (pa.log() - pb.log())).sum(-1)


def test_hand_examples(learner) -> None:
    # One response of two positions, V = 3. beta = 0: the forward KL(P || S), teacher first; beta = 1: the
    # reverse KL(S || P); beta = 0.5: the mixture M = (P + S) / 2, written out here in probabilities.
    s = torch.tensor([[[2.0, 0.0, -1.0], [0.0, 0.0, 0.0]]], dtype=torch.float64)
    t = torch.tensor([[[0.0, 1.0, -1.0], [1.0, 0.0, 0.0]]], dtype=torch.float64)
    both, first = torch.ones(1, 2, dtype=torch.float64), torch.tensor([[1.0, 0.0]], dtype=torch.float64)
    run(learner, [s, t, both], 0.0, kl(t, s).mean())
    run(learner, [s, t, both], 1.0, kl(s, t).mean())
    P, S = t.softmax(-1), s.softmax(-1)
    for beta in (0.5, 0.2):
        M = beta * P + (1 - beta) * S
        jsd = beta * (P * (P / M).log()).sum(-1) + (1 - beta) * (S * (S / M).log()).sum(-1)
        run(learner, [s, t, both], beta, jsd.mean())
        run(learner, [s, t, first], beta, jsd[0, 0])


@pytest.mark.parametrize("beta", [0.0, 0.1, 0.5, 0.9, 1.0])
def test_matches_reference(learner, beta: float) -> None:
    for k, (dtype, mask_kind, vocab) in enumerate([(torch.float64, "right-padded", 7), (torch.float32, "ragged", 11),
                                                    (torch.float64, "all-one", 2)]):
        run(learner, make(4, 5, vocab, seed=11 + k, dtype=dtype, mask_kind=mask_kind), beta)


def test_ends_are_the_two_kls(learner) -> None:
    """beta = 0 is KL(teacher || student) and beta = 1 is KL(student || teacher), per token, then the mean
    over real tokens: written out on their own, not through the reference."""
    student, teacher, mask = make(3, 6, 5, seed=17, mask_kind="ragged")
    real = mask > 0
    run(learner, [student, teacher, mask], 0.0, kl(teacher, student)[real].mean())
    run(learner, [student, teacher, mask], 1.0, kl(student, teacher)[real].mean())


def test_same_distributions_give_zero(learner) -> None:
    """Student and teacher agree (the teacher's logits shifted by a constant): 0 at every beta."""
    student, _, mask = make(3, 4, 6, seed=19)
    for beta in (0.0, 0.3, 1.0):
        run(learner, [student, student + 2.5, mask], beta, torch.tensor(0.0, dtype=torch.float64))


@pytest.mark.parametrize("beta", [0.0, 0.5, 1.0, 0.25])
def test_gradients(learner, beta: float) -> None:
    """d loss / d student_logits against the reference's (0 at padding)."""
    tensors = make(3, 4, 5, seed=23, mask_kind="ragged")
    args = [tensors[0], tensors[1], beta, tensors[2]]
    grad_output = torch.tensor(1.0, dtype=torch.float64)
    want, (want_grad,) = reference_with_grads(EX, args, [True, False, False, False], grad_output)
    result = call(learner, EX, args, grad=[True, False, False, False], grad_output=grad_output)
    check_result(EX, args, result, want, torch.float64, scale(tensors))
    got = (result.grads or [None])[0]
    if got is None:
        raise CheckFailure("check_no_grad", call=describe_call(EX, args), arg="student_logits")
    if tuple(got.shape) != tuple(tensors[0].shape):
        raise CheckFailure("check_wrong_grad_shape", arg="student_logits", want=tuple(tensors[0].shape),
                           got=tuple(got.shape))
    check_values(EX, args, got, want_grad, torch.float64, torch.ones_like(want_grad) * scale(tensors),
                 what=Text("grad_of", arg="student_logits"))


def test_padding_values_do_not_count(learner) -> None:
    """Other (finite, ordinary) logits at padding change nothing."""
    student, teacher, mask = make(4, 5, 6, seed=29)
    pad = (mask == 0)[..., None]
    noisy = [torch.where(pad, -student * 3.0, student), torch.where(pad, teacher + 5.0 * student, teacher), mask]
    for beta in (0.0, 0.5, 1.0):
        run(learner, noisy, beta, reference(EX)(student, teacher, beta, mask))


@pytest.mark.parametrize("beta", [0.0, 0.5, 1.0])
def test_large_logits(learner, beta: float) -> None:
    """Logits up to 1e4 and distributions so far apart that both probabilities of a token underflow: the
    exact value, in float32 and float64 (log_softmax and logsumexp; a log of mixed probabilities is NaN)."""
    student = torch.tensor([[[1e4, 0.0, -1e4, 5.0], [300.0, -300.0, 0.0, 0.0], [0.0, 1.0, 2.0, 3.0]]],
                           dtype=torch.float64)
    teacher = torch.tensor([[[0.0, 1e4, -1e4, 5.0], [-300.0, 300.0, 0.0, 150.0], [3.0, 2.0, 1.0, 0.0]]],
                           dtype=torch.float64)
    mask = torch.ones(1, 3, dtype=torch.float64)
    for dtype in (torch.float64, torch.float32):
        run(learner, [student.to(dtype), teacher.to(dtype), mask.to(dtype)], beta)


@pytest.mark.parametrize("shape,kind", [((3, 4, 5), "zero"), ((0, 4, 5), "zero"), ((3, 0, 5), "zero"),
                                        ((4, 3, 5), "zero-row")],
                         ids=["zero-mask", "no-sequences", "no-tokens", "empty-row"])
def test_empty(learner, shape: tuple, kind: str) -> None:
    """No real token: 0, never NaN (TRL clamps the count at 1); a row without real tokens beside others."""
    student, teacher, _ = make(*shape, seed=31, dtype=torch.float32)
    mask = torch.zeros(shape[:2]) if kind == "zero" else mask_of("zero-row", *shape[:2], generator(1)).float()
    for beta in (0.0, 0.5, 1.0):
        want = None if kind == "zero-row" else torch.tensor(0.0, dtype=torch.float64)
        run(learner, [student, teacher, mask], beta, want)


def test_inputs_unmodified(learner) -> None:
    student, teacher, mask = make(3, 4, 5, seed=37)
    for beta in (0.0, 0.5, 1.0):
        args = [student, teacher, beta, mask]
        check_unmodified(EX, args, call(learner, EX, args))


def test_repeated_calls(learner) -> None:
    tensors = make(3, 4, 5, seed=41)
    run(learner, tensors, 0.5)
    run(learner, [tensors[1].flip(0), tensors[0].flip(0), tensors[2].flip(0)], 0.3)


def test_device(learner) -> None:
    student, teacher, mask = (t.float() for t in make(3, 4, 5, seed=43))
    for beta in (0.0, 0.5, 1.0):
        check_device(learner, EX, [student, teacher, beta, mask], (), torch.float32)
