"""Student archives (.zip, .tar.gz, ...) unpacked safely, so that an LMS download is graded as it comes.

An archive is untrusted data, unpacked here in the command line (never run): only regular files and folders
are written, each by this code into a fresh folder of ours (``O_EXCL``, never through a link); a member whose
path leaves the archive (``../x.py``, ``/etc/x``, ``C:\\x``) makes the whole archive refused, links and devices
are left out, junk (``__MACOSX/``, ``.DS_Store``) too; the members, the bytes of each and of all are capped,
the caps counted on the bytes actually decompressed (a header can lie: a zip bomb is refused, not unpacked).
An archive inside an archive is left as it is (it is not Python). Zip names without the UTF-8 flag, as
Chinese Windows writes them, are read as GBK when they are not UTF-8 (``KL作业.py``, not ``KL╫≈╥╡.py``).
"""

from __future__ import annotations

import os
import shutil
import stat
import tarfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from grader.intake import locate
from grader.i18n import KeyedError

SUFFIXES = (".zip", ".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
MAX_MEMBERS = 2000  # entries of one archive (a class's homework has a handful)
MAX_FILE_BYTES = 8 << 20  # one file, decompressed
MAX_TOTAL_BYTES = 64 << 20  # all of one archive, decompressed
_CHUNK = 1 << 16


class ArchiveError(KeyedError):
    """The archive cannot be used (unsafe, too large, unreadable); rendered with its ``key``."""


def is_archive(name: str) -> bool:
    lower = name.lower()
    return not locate.is_junk(name) and lower.endswith(SUFFIXES)


def stem(name: str) -> str:
    """``alice.tar.gz`` -> ``alice``."""
    lower = name.lower()
    for suffix in SUFFIXES:
        if lower.endswith(suffix):
            return name[: -len(suffix)] or name
    return name


@dataclass
class Unpacked:
    folder: Path
    files: int = 0
    left_out: list[str] = field(default_factory=list)  # links, devices: named in a note


def _safe_parts(name: str, archive: str) -> tuple[str, ...] | None:
    """The member's path as parts under the archive's folder; None for junk; ArchiveError if it leaves."""
    text = name.replace("\\", "/")  # a Windows archiver's separator
    path = PurePosixPath(text)
    parts = tuple(p for p in path.parts if p not in ("", "."))
    if path.is_absolute() or (parts and len(parts[0]) == 2 and parts[0][1] == ":") or ".." in parts:
        raise ArchiveError("archive_escapes", path=archive, member=name[:200])
    if not parts or any(locate.is_junk(p) for p in parts) or any("\0" in p for p in parts):
        return None
    return parts


class _Budget:
    def __init__(self, archive: str) -> None:
        self.archive, self.total, self.members = archive, 0, 0

    def member(self) -> None:
        self.members += 1
        if self.members > MAX_MEMBERS:
            raise ArchiveError("archive_too_many", path=self.archive, most=MAX_MEMBERS)

    def declared(self, size: int) -> None:
        """A header's size, checked before a byte is decompressed (it may lie: ``write`` checks again)."""
        if size > MAX_FILE_BYTES or self.total + size > MAX_TOTAL_BYTES:
            raise ArchiveError("archive_too_big", path=self.archive, most=MAX_TOTAL_BYTES >> 20)


def _write(stream, target: Path, budget: _Budget) -> None:  # noqa: ANN001 - a binary file object
    """Copy ``stream`` to a new file ``target``, counting every decompressed byte against the caps."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    written = 0
    with os.fdopen(fd, "wb") as out:
        while chunk := stream.read(_CHUNK):
            written += len(chunk)
            budget.total += len(chunk)
            if written > MAX_FILE_BYTES or budget.total > MAX_TOTAL_BYTES:
                raise ArchiveError("archive_too_big", path=budget.archive, most=MAX_TOTAL_BYTES >> 20)
            out.write(chunk)


def _place(root: Path, parts: tuple[str, ...]) -> Path | None:
    """The file's path under ``root``, its folders made (by us, so none is a link); None if taken."""
    folder = root
    for part in parts[:-1]:
        folder = folder / part
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            return None
        folder.mkdir(exist_ok=True)
    target = folder / parts[-1]
    return None if os.path.lexists(target) else target


def _zip_name(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437", errors="replace")  # what zipfile decoded without the UTF-8 flag
    for encoding in ("utf-8", "gbk"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _unzip(path: Path, root: Path, label: str, out: Unpacked) -> None:
    budget = _Budget(label)
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        for info in infos:
            budget.member()
            _safe_parts(_zip_name(info), label)  # every path first: a refused archive writes nothing
        for info in infos:
            name = _zip_name(info)
            parts = _safe_parts(name, label)
            kind = stat.S_IFMT(info.external_attr >> 16)
            if parts is None or info.is_dir():
                continue
            if kind not in (0, stat.S_IFREG):  # a link (or a device) is never made
                out.left_out.append(name)
                continue
            budget.declared(info.file_size)
            target = _place(root, parts)
            if target is None:
                continue
            with archive.open(info) as stream:
                _write(stream, target, budget)
            out.files += 1


def _untar(path: Path, root: Path, label: str, out: Unpacked) -> None:
    budget = _Budget(label)
    # Streamed ("r|*"): members are read in order, once; a refusal stops before the rest is decompressed.
    with tarfile.open(path, mode="r|*") as archive:
        for member in archive:
            budget.member()
            parts = _safe_parts(member.name, label)
            if parts is None or member.isdir():
                continue
            if not member.isfile():  # symbolic and hard links, devices, fifos: never made
                out.left_out.append(member.name)
                continue
            budget.declared(member.size)
            target = _place(root, parts)
            stream = archive.extractfile(member)
            if target is None or stream is None:
                continue
            _write(stream, target, budget)
            out.files += 1


def unpack(path: Path, into: Path, label: str | None = None) -> Unpacked:
    """Unpack the archive ``path`` into a new folder ``into`` (which must not exist). ArchiveError (and
    nothing left in ``into``) when it is refused or unreadable."""
    label = label or str(path)
    into.mkdir(mode=0o755)
    out = Unpacked(into)
    try:
        if path.name.lower().endswith(".zip"):
            _unzip(path, into, label, out)
        else:
            _untar(path, into, label, out)
    except ArchiveError:
        shutil.rmtree(into, ignore_errors=True)
        raise
    except (OSError, zipfile.BadZipFile, tarfile.TarError, EOFError, ValueError, NotImplementedError,
            RuntimeError) as exc:  # damaged, encrypted, an unknown compression...
        shutil.rmtree(into, ignore_errors=True)
        raise ArchiveError("archive_unreadable", path=label) from None
    return out


@dataclass
class Staged:
    """A batch entry as it is graded: ``path`` (the entry itself, or the folder its archives were unpacked
    into), or ``error`` when it cannot be (its archive refused); ``notes`` for the instructor."""
    path: Path
    error: ArchiveError | None = None
    notes: list[KeyedError] = field(default_factory=list)


class Staging:
    """A temporary folder for a batch's unpacked archives, removed on exit. ``stage(entry)`` gives what to
    grade for an entry: an archive is unpacked into a folder of its own; a student's folder holding
    archives (an LMS's per-student folder) is copied (its .py files and notebooks, never through a link)
    with each archive unpacked beside them; anything else is graded where it is."""

    def __init__(self) -> None:
        self.root: Path | None = None
        self._count = 0

    def __enter__(self) -> "Staging":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)

    def _new(self, name: str) -> Path:
        if self.root is None:
            import tempfile

            self.root = Path(tempfile.mkdtemp(prefix="kldrill-archives-"))
            os.chmod(self.root, 0o755)  # read by the judge's snapshot only; nothing secret in it
        self._count += 1
        folder = self.root / str(self._count)
        folder.mkdir(mode=0o755)
        return folder / name

    def stage(self, entry: Path) -> Staged:
        if entry.is_file() and is_archive(entry.name):
            try:
                unpacked = unpack(entry, self._new(stem(entry.name)), str(entry))
            except ArchiveError as exc:
                return Staged(entry, error=exc)
            return Staged(unpacked.folder, notes=_left_out(entry, unpacked))
        if not entry.is_dir():
            return Staged(entry)
        inner = [p for p in _archives_in(entry)]
        if not inner:
            return Staged(entry)
        staged = Staged(self._new(entry.name))
        staged.path.mkdir(mode=0o755)
        for source in locate.walk(entry):
            if source.is_symlink() or source.stat().st_size > MAX_FILE_BYTES:
                continue  # a link might point at a neighbour's file: never copied
            target = staged.path / source.relative_to(entry)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target, follow_symlinks=False)
        for archive in inner:
            where = staged.path / archive.parent.relative_to(entry) / stem(archive.name)
            while where.exists():
                where = where.with_name(where.name + "_")
            where.parent.mkdir(parents=True, exist_ok=True)
            try:
                staged.notes += _left_out(archive, unpack(archive, where, str(archive)))
            except ArchiveError as exc:
                staged.notes.append(exc)
                staged.error = staged.error or exc
        if staged.error is not None and locate.has_candidates(staged.path):
            staged.error = None  # the rest of the folder is graded; the note says what was refused
        return staged


def _archives_in(folder: Path) -> list[Path]:
    """The archives in a student's folder and its sub-folders (as locate.walk bounds a walk: junk skipped,
    links to folders not followed, MAX_DEPTH levels), by path."""
    found, queue = [], [(folder, 0)]
    while queue:
        here, depth = queue.pop()
        try:
            entries = sorted(os.scandir(here), key=lambda e: e.name)
        except OSError:
            continue
        for e in entries:
            if locate.is_junk(e.name):
                continue
            if e.is_dir(follow_symlinks=False) and depth < locate.MAX_DEPTH:
                queue.append((Path(e.path), depth + 1))
            elif e.is_file(follow_symlinks=False) and is_archive(e.name):
                found.append(Path(e.path))
    return sorted(found)


def _left_out(archive: Path, unpacked: Unpacked) -> list[KeyedError]:
    if not unpacked.left_out:
        return []
    return [KeyedError("archive_left_out", path=str(archive), count=len(unpacked.left_out),
                       names=", ".join(unpacked.left_out[:3]))]
