"""The warm judge's process: the judge (grader/judging/judge.py) kept alive to grade one request after another.

``python -I -m grader.judging.warm_judge``: the first line on stdin is the configuration (lang, limits,
sandbox, progress_fd), each later line a request ({"id", "path", "exercises", "label"}). Torch is
imported, pytest configured and the hidden checks collected once; then, inside pytest's test loop
(pytest.main runs once per process), each request is graded exactly as a cold judge grades its one
submission: a new LearnerSession, so a fresh isolated learner process (and sandbox) per request.
Each answer is one JSON line on stdout; each exercise's verdict, as it is final, a JSON line on the
progress pipe. The caller (grader/judging/warm.py) bounds each request with a deadline and replaces this
process when a submission stopped, killed or hung it. EOF on stdin ends it.
"""

from __future__ import annotations

import json
import os
import sys
from typing import IO

from grader.judging import judge_process
from grader.isolation import privileges
from grader.isolation.session import Zygote
from grader.judging.judge import JudgePlugin, grade_with, prepare, run_judge
from grader.intake.submission import SubmissionError


def _answer(out: IO[str], doc: dict) -> None:
    out.write(json.dumps(doc) + "\n")
    out.flush()


def serve(config: dict, zygote: Zygote, checks: JudgePlugin, out: IO[str], progress: IO[str] | None) -> Zygote:
    """Grade each request on stdin until it closes; the zygote in use at the end (for closing)."""
    _answer(out, {"ready": True})
    for line in sys.stdin:
        try:
            request = json.loads(line)
            rid = request["id"]
        except (ValueError, KeyError, TypeError):
            continue  # the caller is kl-drill's own code; a garbled line is skipped, not fatal
        # An earlier submission may have killed it (as the judge's own user): then a fresh one. Not
        # asked of a zygote that has not answered yet: it may still be importing torch.
        if zygote.answered and not zygote.alive():
            zygote.close()
            zygote = Zygote()

        def on_exercise(result, isolation: str, rid=rid) -> None:  # noqa: ANN001 - an ExerciseResult
            if progress is not None:
                try:
                    progress.write(json.dumps({"id": rid, "result": result.to_json(), "isolation": isolation}) + "\n")
                    progress.flush()
                except OSError:
                    pass  # a courtesy; the verdict still comes on stdout

        job = {**config, "path": request["path"], "exercises": request["exercises"],
               "label": request.get("label"), "strict": bool(request.get("strict"))}
        try:
            answer = {"id": rid, "result": grade_with(zygote, job, checks, slot=int(config.get("slot", 0)),
                                                      on_exercise=on_exercise)}
        except SubmissionError as exc:
            answer = {"id": rid, "submission_error": {"key": exc.key, "fields": exc.fields}}
        except Exception as exc:  # noqa: BLE001 - the caller turns it into a GradingError
            answer = {"id": rid, "failure": f"{type(exc).__name__}: {exc}"[:500]}
        _answer(out, answer)
    return zygote


def main() -> None:
    privileges.not_dumpable()  # as the cold judge: out of reach of learner code running as this user
    judge_process.stop_on_sigterm()
    config = json.loads(sys.stdin.readline())
    judge_process.watch_parent(config.pop("parent", None))
    # Our answers are the only thing on the real stdout: whatever else prints goes to stderr.
    out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    progress_fd = config.pop("progress_fd", None)
    progress = os.fdopen(progress_fd, "w") if progress_fd is not None else None
    zygotes = [Zygote()]  # first: its torch import overlaps ours
    try:
        prepare()

        def work(checks: JudgePlugin) -> None:
            zygotes[0] = serve(config, zygotes[0], checks, out, progress)

        run_judge(config["lang"], work)
    finally:
        zygotes[0].close()
    sys.stderr.flush()
    os._exit(0)  # skip torch's and pytest's teardown, as the cold judge does


if __name__ == "__main__":
    main()
