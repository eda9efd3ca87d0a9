"""Limits on the learner's code: plain data, importable without torch."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    call_timeout: float = 10.0  # seconds for one call (or one import) of learner code
    total_timeout: float = 90.0  # seconds for everything one submission's code may take
    memory_mb: int = 4096  # address space of the learner's process (torch alone maps ~0.7 GB)
    output_kb: int = 2  # captured stdout+stderr kept per exercise, to show; the rest is counted and dropped
    file_mb: int = 16  # largest file the learner's process may write
    disk_mb: int = 64  # all it may write, together, in its working folder (the only writable one)
    disk_files: int = 1024  # files and folders it may make there

    def for_worker(self) -> dict:
        return {"memory_mb": self.memory_mb, "cpu_seconds": int(self.total_timeout) + 30,
                "file_mb": self.file_mb}
