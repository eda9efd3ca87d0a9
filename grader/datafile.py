"""kl-drill's own YAML data (grader/data/*.yaml), parsed once and then read back from a cache.

Parsing is what start-up spent its time on: importing PyYAML costs about 9 ms and its pure-Python
parser 15-45 ms per file, where `kldrill --help` as a whole has about 50 ms. So a file is parsed with
libyaml's C loader where PyYAML has it, and the result is kept in ``__pycache__/NAME.marshal`` beside
the file, as Python keeps its bytecode: marshal (the format of .pyc files) needs no import, keeps
the types YAML gives (int keys included, which JSON would turn into strings) and loads a file in
0.1 ms. The cache is keyed by the source's size and mtime and by the Python version; a stale or
unreadable one is parsed again, and where the folder cannot be written the data is parsed every time.
"""

from __future__ import annotations

import marshal
import os
import sys
from typing import Any

_FORMAT = 1  # bump when the cached layout changes
# os.path rather than pathlib, and grader.resources's package_data, here: `kldrill --help` imports neither.
DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def package(name: str) -> str:
    """The path of grader/data/``name``."""
    return os.path.join(DATA_DIR, name)


def _key(source: str | os.PathLike[str]) -> tuple:
    stat = os.stat(source)
    return (_FORMAT, sys.implementation.cache_tag, stat.st_size, stat.st_mtime_ns)


def parse(text: str) -> Any:
    """YAML text parsed safely, with the C loader where PyYAML was built with libyaml."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def load(source: str | os.PathLike[str]) -> Any:
    """The data of the YAML file ``source``, from its cache where that is fresh."""
    folder, name = os.path.split(os.fspath(source))
    cache = os.path.join(folder, "__pycache__", f"{name}.marshal")
    key = _key(source)
    try:
        with open(cache, "rb") as f:
            cached_key, data = marshal.loads(f.read())
        if cached_key == key:
            return data
    except (OSError, EOFError, ValueError, TypeError):
        pass  # no cache yet, or one from another version: parse
    with open(source, encoding="utf-8") as f:
        data = parse(f.read())
    _store(cache, key, data)
    return data


def _store(cache: str, key: tuple, data: Any) -> None:
    try:
        blob = marshal.dumps((key, data))
    except ValueError:
        return  # a type marshal cannot keep (a date, say): parse each time rather than lose it
    temporary = f"{cache}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(cache), exist_ok=True)
        with open(temporary, "wb") as f:
            f.write(blob)
        os.replace(temporary, cache)  # atomic: a concurrent reader sees the old cache or the new one
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass
