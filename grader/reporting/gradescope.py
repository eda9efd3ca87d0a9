"""The autograder zip an instructor uploads to Gradescope: setup.sh, run_autograder and kl-drill itself.

Gradescope builds an image from the zip once, running setup.sh (with the network): Python if the image
lacks it, the pinned CPU torch, numpy, then kl-drill from the wheel inside the zip (kl-drill is not on
PyPI). For each submission it runs run_autograder, which grades /autograder/submission with the settings
chosen here and always leaves /autograder/results/results.json (grader/reporting/exports.py writes it; a submission
that cannot be graded gets a zero that says why). Gradescope's layout: its "Autograder Specifications"
page (gradescope-autograders.readthedocs.io).

The wheel is written here from the installed package, with the stdlib only: an instructor needs no build
tool, and the zip carries exactly the kl-drill that built it.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shlex
import stat
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from grader import exercises, resources
from grader.i18n import KeyedError, t
from grader.isolation.limits import Limits

TORCH = "torch==2.13.0"  # the CPU build, pinned: an unpinned torch pulls gigabytes of CUDA libraries
TORCH_INDEX = "https://download.pytorch.org/whl/cpu"
DISTRIBUTION = "kl-drill"
# Zip entries get this date, so that the same kl-drill and settings always build the same bytes.
_EPOCH = (1980, 1, 1, 0, 0, 0)


class GradescopeError(KeyedError):
    """The zip cannot be built; ``key`` and ``fields`` name the UI message (grader/data/ui.yaml)."""


@dataclass(frozen=True)
class Settings:
    """What the instructor chose at build time; run_autograder passes it to `kldrill grade`."""

    exercises: tuple[str, ...]
    lang: str = "en"
    visibility: str = "visible"
    stdout_visibility: str = "hidden"
    timeout: float = Limits.call_timeout
    strict: bool = False  # all or nothing per exercise, conventions included

    def grade_args(self) -> list[str]:
        # Every exercise by name, never "the default": a student's upload (a workspace with kl-drill's
        # state file, say) must not narrow what it is graded on.
        return [*(a for n in self.exercises for a in ("-e", n)), "--lang", self.lang, "--timeout", f"{self.timeout:g}",
                "--visibility", self.visibility, "--stdout-visibility", self.stdout_visibility,
                *(["--strict"] if self.strict else [])]


def build(out: Path, settings: Settings, force: bool = False) -> list[str]:
    """Write the autograder zip at ``out`` (never over an existing file without ``force``); the names
    of the files in it."""
    if out.is_dir():
        raise GradescopeError("export_is_dir", path=str(out))
    if not out.parent.is_dir():
        raise GradescopeError("export_no_dir", path=str(out))
    if out.exists() and not force:
        raise GradescopeError("gradescope_exists", path=str(out))
    wheel_name, wheel = build_wheel()
    version = metadata.version(DISTRIBUTION)
    files = {"setup.sh": _script("gradescope_setup.sh", WHEEL=wheel_name, VERSION=version, TORCH=TORCH,
                                 TORCH_INDEX=TORCH_INDEX),
             "run_autograder": _script("gradescope_run_autograder", VERSION=version,
                                       ARGS=shlex.join(settings.grade_args()),
                                       FALLBACK=shlex.quote(json.dumps(_fallback(settings), ensure_ascii=False))),
             wheel_name: wheel}
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                executable = name in ("setup.sh", "run_autograder")
                _add(archive, name, data, 0o755 if executable else 0o644)
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise GradescopeError("export_failed", path=str(out), reason=exc) from None
    return list(files)


def _script(template: str, **values: str) -> bytes:
    text = resources.package_data(template).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    return text.encode("utf-8")


def _fallback(settings: Settings) -> dict:
    """The results.json run_autograder leaves if kl-drill itself could not run (its setup failed)."""
    return {"score": 0.0, "output": t("gradescope_not_run", settings.lang), "visibility": settings.visibility,
            "stdout_visibility": settings.stdout_visibility, "tests": []}


def _add(archive: zipfile.ZipFile, name: str, data: bytes, mode: int) -> None:
    info = zipfile.ZipInfo(name, date_time=_EPOCH)
    info.external_attr = (stat.S_IFREG | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


# -- the wheel ------------------------------------------------------------------------------------------
def _package_files() -> dict[str, bytes]:
    """The package's files by their path in a wheel; from a checkout, the stubs, the reference and the
    question bank go under grader/_bundled, where a built wheel carries them (grader/resources.py)."""
    package = Path(resources.__file__).resolve().parent
    files = {f"grader/{p.relative_to(package).as_posix()}": p.read_bytes() for p in sorted(package.rglob("*"))
             if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}
    root = resources.data_root()
    if not root.is_relative_to(package):
        for folder in (resources.exercises_dir(), resources.solutions_dir()):
            for p in sorted(folder.rglob("*")):
                if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc":
                    files[f"grader/_bundled/{p.relative_to(root).as_posix()}"] = p.read_bytes()
        files["grader/_bundled/questions.yaml"] = resources.questions_file().read_bytes()
    return files


def build_wheel() -> tuple[str, bytes]:
    """kl-drill, as installed, as a wheel (its file name, its bytes): pip installs it offline."""
    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        raise GradescopeError("gradescope_not_installed") from None
    name, version = dist.metadata["Name"].replace("-", "_"), dist.version
    info = f"{name}-{version}.dist-info"
    files = _package_files()
    files[f"{info}/METADATA"] = (dist.read_text("METADATA") or "").encode("utf-8")
    files[f"{info}/entry_points.txt"] = (dist.read_text("entry_points.txt") or "").encode("utf-8")
    files[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: kldrill gradescope\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = [f"{path},sha256={_digest(data)},{len(data)}" for path, data in files.items()]
    files[f"{info}/RECORD"] = ("\n".join([*record, f"{info}/RECORD,,"]) + "\n").encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as wheel:
        for path, data in files.items():
            _add(wheel, path, data, 0o644)
    return f"{name}-{version}-py3-none-any.whl", buffer.getvalue()


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def describe(settings: Settings, lang: str) -> str:
    """The exercises a zip grades, for the line that reports it written."""
    return ", ".join(settings.exercises) if len(settings.exercises) < len(exercises.names()) else t(
        "gradescope_every_exercise", lang, count=len(settings.exercises))
