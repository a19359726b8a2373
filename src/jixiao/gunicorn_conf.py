"""gunicorn's configuration for serving jixiao in production: ``gunicorn -c python:jixiao.gunicorn_conf``.

Every knob is read from the environment (README, "Production"):

- ``JIXIAO_BIND`` (``127.0.0.1:8000``): where to listen; put the intranet's reverse proxy (nginx) in front.
- ``JIXIAO_WORKERS`` (one per CPU, at least 2): synchronous worker processes. The pages are CPU-bound Python
  with short database reads, so one process per core keeps every core busy without thrashing.
- ``JIXIAO_THREADS`` (1): threads per worker (``gthread`` when above 1).
- ``JIXIAO_TIMEOUT`` (60 s): a worker silent this long is restarted (the report zip of a whole province is the
  slowest page).
- ``JIXIAO_MAX_REQUESTS`` (2000): a worker is replaced after this many requests (with a jitter), so memory a
  request leaves behind cannot accumulate.

The application is loaded before the workers fork (``preload_app``): the workers share its memory pages, and
a wrong setting stops the start once, with its message, instead of in every worker.
"""

from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name}={value!r} is not a whole number") from None


def default_workers() -> int:
    """One worker per CPU this process may run on, at least 2 (one slow request never blocks the rest)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return max(2, cpus)


wsgi_app = "jixiao.wsgi:application"
bind = os.environ.get("JIXIAO_BIND", "127.0.0.1:8000")
workers = _int("JIXIAO_WORKERS", default_workers())
threads = _int("JIXIAO_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _int("JIXIAO_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5
max_requests = _int("JIXIAO_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
preload_app = True
accesslog = os.environ.get("JIXIAO_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("JIXIAO_GUNICORN_LOG_LEVEL", "info")
proc_name = "jixiao"
