"""PDF reading in a child process with a deadline and a memory ceiling.

pdfminer has no deadline of its own: its object parser and content interpreter can spend many seconds, or
hundreds of megabytes, on one damaged or hostile file before any check of ours runs again. So a PDF is read
in a child process that

- reads under the file's remaining time budget (``forms/deadline.py``), as in-process reading would, and so
  refuses a file naming the page it had got to when the budget runs out between pages;
- has an address-space limit (``RLIMIT_AS``, ``PDF_MEMORY_BYTES``): an allocation beyond it is a
  ``MemoryError`` in the child, refused naming the page, not the parent's memory;
- has a CPU-time limit (``RLIMIT_CPU``) and is killed by the parent at the deadline plus
  ``PDF_GRACE_SECONDS`` when it is stuck inside pdfminer.

The parent turns every way the child can end into a grid or a ``FormReadError`` in Chinese naming the file
and, when known, the page the child had reached (the child reports each page as it starts it).

Children come from a fork server that has imported pdfplumber once (``forkserver`` start method), so a
child costs a fork (about 20–30 ms), not an interpreter start and an import (about 0.6 s). A process that
may not have children of the multiprocessing kind (a daemonic ``multiprocessing.Pool`` worker) runs the
child as a plain ``subprocess`` of the same interpreter instead. The limits are module constants, as the
readers' other limits are; setting ``PDF_IN_CHILD`` to False reads in-process (a debugger, a profiler).
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import pickle
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from jixiao.domain.forms.deadline import file_deadline, postpone, remaining_seconds
from jixiao.domain.forms.grid import Grid
from jixiao.domain.forms.model import FormReadError, Location

PDF_IN_CHILD = True
"""Read PDFs in a child process (the default); False reads them in the calling process, unbounded."""
PDF_MEMORY_BYTES = 448 * 1024 * 1024
"""Address space a PDF child may use. A 300-page form takes under 100 MB; a deflate bomb is refused before
pdfminer inflates it, so only a parser led astray comes near this."""
PDF_GRACE_SECONDS = 0.5
"""How long past the file's time budget the parent waits for the child's own refusal before killing it."""

_PRELOAD = ["pdfplumber", "jixiao.domain.forms.readers.pdf"]
_OWNER_PID: int | None = None
_WARM_PID: int | None = None
_WARM_UP_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class ChildRun:
    """What the last PDF child of this process cost: for the benchmarks, not for decisions."""

    outcome: str
    seconds: float
    peak_rss_kib: int
    cpu_seconds: float = 0.0


LAST_RUN: ChildRun | None = None


# --- the parent ----------------------------------------------------------------------------------------------


def read_pdf_isolated(path: Path, name: str) -> Grid:
    """``read_pdf`` in a child process; every way the child can end becomes a grid or a ``FormReadError``."""
    global LAST_RUN
    from jixiao.domain.forms.readers.safety import check_file

    if not PDF_IN_CHILD:
        from jixiao.domain.forms.readers.pdf import read_pdf

        return read_pdf(path, name)
    check_file(path, name)
    if os.getpid() != _WARM_PID and not multiprocessing.current_process().daemon:
        # The fork server's start (an interpreter and pdfplumber's import) is this process's, not the file's.
        begun = time.monotonic()
        warm_up()
        postpone(time.monotonic() - begun)
    seconds = max(remaining_seconds(), 0.0)
    if seconds <= 0:
        raise FormReadError(_timeout_message(seconds), Location(name))
    started = time.monotonic()
    child = _start(str(path), name, seconds, PDF_MEMORY_BYTES)
    page: int | None = None
    outcome = "killed"
    peak: tuple[int, float] = (0, 0.0)
    try:
        deadline = started + seconds + PDF_GRACE_SECONDS
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not child.connection.poll(left):
                outcome = "timeout"
                peak = child.usage()
                raise FormReadError(_timeout_message(seconds), _at(name, page))
            try:
                message = child.connection.recv()
            except (EOFError, OSError, pickle.UnpicklingError):
                error = _died(name, page, child.wait(), seconds)
                # Counted as what the refusal says: a child that died of its memory or CPU limit is one.
                if error.message == _memory_message():
                    outcome = "memory"
                elif error.message == _timeout_message(seconds):
                    outcome = "timeout"
                raise error from None
            kind = message[0]
            if kind == "page":
                page = message[1]
                continue
            peak = message[-1]
            if kind == "grid":
                outcome = "read"
                grid: Grid = message[1]
                return grid
            if kind == "refused":
                outcome = "refused"
                _, text, location, detail, _ = message
                raise FormReadError(text, location, detail=detail)
            if kind == "memory":
                outcome = "memory"
                raise FormReadError(_memory_message(), message[1] or _at(name, page), detail="MemoryError")
            outcome = "failed"
            raise FormReadError(
                "PDF文件已损坏或无法读取，请重新导出后上传", _at(name, page), detail=str(message[1])
            )
    finally:
        child.stop()
        LAST_RUN = ChildRun(outcome, time.monotonic() - started, *peak)


def _at(name: str, page: int | None) -> Location:
    return Location(name, page=page) if page is not None else Location(name)


def _timeout_message(seconds: float) -> str:
    return f"读取PDF超时（超过{max(1, round(seconds))}秒），文件过于复杂或已损坏，读到此处停止"


def _memory_message() -> str:
    return (
        f"读取PDF所需内存超过上限（{PDF_MEMORY_BYTES // (1024 * 1024)}MB），文件过于复杂或已损坏，"
        "读到此处停止"
    )


def _died(name: str, page: int | None, code: int | None, seconds: float) -> FormReadError:
    """The child ended without a word: killed by the kernel (memory), by its CPU limit, or crashed."""
    if code is not None and code == -signal.SIGXCPU:
        return FormReadError(_timeout_message(seconds), _at(name, page), detail="SIGXCPU")
    if code is not None and -code in (signal.SIGKILL, signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS):
        # The kernel's out-of-memory killer, or the interpreter aborting when memory ran out mid-exception.
        return FormReadError(_memory_message(), _at(name, page), detail=f"signal {-code}")
    return FormReadError(
        "读取PDF时处理进程意外退出，文件可能已损坏或过于复杂，请重新导出后上传",
        _at(name, page),
        detail=f"exit code {code}",
    )


class _Child:
    """A running child, of either kind: its end of the pipe, and how to wait for and stop it."""

    def __init__(self, connection: Connection, process: Any) -> None:
        self.connection = connection
        self.process = process

    @property
    def pid(self) -> int:
        return int(self.process.pid)

    def wait(self) -> int | None:
        if isinstance(self.process, subprocess.Popen):
            try:
                return self.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                return None
        self.process.join(2)
        code = self.process.exitcode
        return None if code is None else int(code)

    def usage(self) -> tuple[int, float]:
        """Peak resident memory (KiB) and CPU seconds of the running child, from /proc (0 where unknown)."""
        peak, cpu = 0, 0.0
        with contextlib.suppress(OSError, ValueError, IndexError):
            with open(f"/proc/{self.pid}/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        peak = int(line.split()[1])
            with open(f"/proc/{self.pid}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
                cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return peak, cpu

    def stop(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.process.kill()
        self.wait()
        self.connection.close()
        if not isinstance(self.process, subprocess.Popen):
            with contextlib.suppress(ValueError):  # not yet reaped: the fork server reaps it when it ends
                self.process.close()


def warm_up() -> None:
    """Start this process's fork server and wait until it has pdfplumber loaded (a no-op child), so that the
    first PDF's budget is not spent on it (about 0.6 s on a quiet machine, several seconds on a loaded one).
    Optional: a process that reads PDFs in bulk calls it once when it starts."""
    global _WARM_PID
    if not PDF_IN_CHILD or multiprocessing.current_process().daemon or os.getpid() == _WARM_PID:
        return
    process = _forkserver().Process(target=_noop, name="jixiao-pdf-warm-up", daemon=True)
    process.start()
    process.join(_WARM_UP_SECONDS)
    if process.exitcode is None:  # a fork server that does not come up: PDFs will be refused at the deadline
        process.kill()
        process.join(2)
    else:
        _WARM_PID = os.getpid()
    with contextlib.suppress(ValueError):
        process.close()


def _noop() -> None:
    return None


def _start(path: str, name: str, seconds: float, memory: int) -> _Child:
    if multiprocessing.current_process().daemon:
        return _start_subprocess(path, name, seconds, memory)
    context = _forkserver()
    reader, writer = context.Pipe(duplex=False)
    process = context.Process(
        target=_child_main, args=(writer, path, name, seconds, memory), name="jixiao-pdf", daemon=True
    )
    process.start()
    writer.close()
    return _Child(reader, process)


def _start_subprocess(path: str, name: str, seconds: float, memory: int) -> _Child:
    read_fd, write_fd = os.pipe()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", __name__, str(write_fd), path, name, repr(seconds), str(memory)],
            pass_fds=(write_fd,),
            stdin=subprocess.DEVNULL,
        )
    except BaseException:
        os.close(read_fd)
        raise
    finally:
        os.close(write_fd)
    return _Child(Connection(read_fd, writable=False), process)


def _forkserver() -> Any:
    """The fork server context of this process, with pdfplumber preloaded."""
    global _OWNER_PID
    from multiprocessing import forkserver

    if os.getpid() != _OWNER_PID:
        server: Any = getattr(forkserver, "_forkserver")  # noqa: B009 (private: the module's one server)
        if _OWNER_PID is not None and server._forkserver_pid is not None:
            # Forked from a process whose fork server this is: that server is not our child to use.
            _forget(server)
        forkserver.set_forkserver_preload(_PRELOAD)
        _OWNER_PID = os.getpid()
    return multiprocessing.get_context("forkserver")


def _forget(server: Any) -> None:
    import threading

    if server._forkserver_alive_fd is not None:
        with contextlib.suppress(OSError):
            os.close(server._forkserver_alive_fd)
    server._forkserver_alive_fd = None
    server._forkserver_address = None
    server._forkserver_pid = None
    server._lock = threading.Lock()


# --- the child -----------------------------------------------------------------------------------------------


_HEADROOM = 64 * 1024 * 1024
"""Address space above the limit the child keeps to report a ``MemoryError`` (the hard limit)."""


def _limit(seconds: float, memory: int) -> None:
    # Soft limit ``memory``; the hard limit a little above, so that the child can still say what happened.
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory + _HEADROOM))
    cpu = math.ceil(seconds + PDF_GRACE_SECONDS) + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        cpu = min(cpu, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, hard))


def _peak() -> tuple[int, float]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return int(usage.ru_maxrss), usage.ru_utime + usage.ru_stime


def _child_main(connection: Connection, path: str, name: str, seconds: float, memory: int) -> None:
    """Read one PDF under the limits and send what came of it: pages as they start, then one result."""
    message: tuple[Any, ...]
    try:
        _limit(seconds, memory)
        from jixiao.domain.forms.readers.pdf import read_pdf
        from jixiao.domain.forms.readers.safety import library_errors

        with file_deadline(seconds), library_errors(name, "PDF文件"):
            grid = read_pdf(Path(path), name, on_page=lambda number: connection.send(("page", number)))
        message = ("grid", grid, _peak())
    except FormReadError as error:
        if error.detail == "MemoryError":
            message = ("memory", error.location, _peak())
        else:
            message = ("refused", error.message, error.location, error.detail, _peak())
    except MemoryError:
        message = ("memory", None, _peak())
    except BaseException as error:  # anything else is a bug of ours; the parent says so without crashing
        message = ("failed", f"{type(error).__name__}: {error}"[:300], _peak())
    try:
        if message[0] == "memory":
            # What the parser built may still be held by the exception's frames: send from the headroom.
            _, hard = resource.getrlimit(resource.RLIMIT_AS)
            resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
        connection.send(message)
    except BaseException:  # the parent is gone, or not even the headroom sufficed: it reads the exit code
        os._exit(3)
    finally:
        connection.close()


if __name__ == "__main__":
    _fd, _path, _name, _seconds, _memory = sys.argv[1:6]
    _child_main(Connection(int(_fd), readable=False), _path, _name, float(_seconds), int(_memory))
