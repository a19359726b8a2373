"""A time budget per file: every reader and the assembler check it as they go, so that no input, however
built, keeps a worker busy for long. The budget is per call of ``read_forms`` (a context variable, so threads
and nested reads each have their own)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from jixiao.domain.forms.model import FormReadError, Location

FILE_SECONDS = 8.0
"""How long reading one file may take before it is refused (a real form takes well under a second)."""

_DEADLINE: ContextVar[float | None] = ContextVar("jixiao_forms_deadline", default=None)


@contextmanager
def file_deadline(seconds: float = FILE_SECONDS) -> Iterator[None]:
    """Run the block under a deadline of ``seconds`` (an outer, earlier deadline stays in force)."""
    now = time.monotonic()
    outer = _DEADLINE.get()
    deadline = now + seconds if outer is None else min(outer, now + seconds)
    token = _DEADLINE.set(deadline)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def postpone(seconds: float) -> None:
    """Move the current deadline ``seconds`` later: for time spent on the process's own one-time set-up (the PDF
    fork server's start), which is not the file's. Undone with the rest when the ``file_deadline`` block ends."""
    deadline = _DEADLINE.get()
    if deadline is not None and seconds > 0:
        _DEADLINE.set(deadline + seconds)


def remaining_seconds() -> float:
    """The time left of the current budget (a whole file's budget when none is running)."""
    deadline = _DEADLINE.get()
    return FILE_SECONDS if deadline is None else deadline - time.monotonic()


def check_deadline(location: Location) -> None:
    """Refuse the file, naming where reading had got to, once its time budget is spent."""
    deadline = _DEADLINE.get()
    if deadline is not None and time.monotonic() > deadline:
        raise FormReadError(f"读取超时（超过{FILE_SECONDS:g}秒），文件过于复杂，读到此处停止", location)
