"""The lab's strings (grader/data/lab.yaml) as messages whose language is chosen when shown."""

from __future__ import annotations

from functools import partial

from grader.i18n import Message as _Message

Message = partial(_Message, table="lab.yaml")
