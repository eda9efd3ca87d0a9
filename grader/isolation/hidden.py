"""What learner code must never see, computed once, in the judge, from the installed package.

Every process is handed this list (never computes its own), so a checkout or a ``grader/`` folder in
the current directory cannot change it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from grader import resources


@lru_cache(maxsize=None)
def package_dir() -> Path:
    return Path(resources.__file__).resolve().parent


@lru_cache(maxsize=None)
def checkout_root() -> Path | None:
    """The source checkout kl-drill runs from (an editable install), or None for a wheel."""
    root = resources.data_root().resolve()
    return None if root.is_relative_to(package_dir()) else root


@lru_cache(maxsize=None)
def hidden_paths() -> list[str]:
    """The package (its checks and the lab's estimators), the reference, and a checkout's history and
    tests (which hold correct implementations too)."""
    paths = [package_dir(), resources.solutions_dir().resolve()]
    root = checkout_root()
    if root is not None:
        paths += [root / ".git", root / "tests"]
    return [str(p) for p in dict.fromkeys(paths) if p.exists()]
