"""Where the stubs, the reference solutions and the question bank are, in any install mode.

A wheel carries them in ``grader/_bundled``; a source checkout (or an editable install) keeps them at
the top of the repository, beside ``grader/``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def data_root() -> Path:
    bundled = _PACKAGE / "_bundled"
    if (bundled / "solutions").is_dir():
        return bundled
    return _PACKAGE.parent


def exercises_dir() -> Path:
    return data_root() / "exercises"


def solutions_dir() -> Path:
    return data_root() / "solutions"


def questions_file() -> Path:
    return data_root() / "questions.yaml"


def package_data(name: str) -> Path:
    """A file shipped inside the package itself (grader/data/...)."""
    return _PACKAGE / "data" / name
