"""The web application's load test: home, project list (filtered, searched) and project page under ``wrk``,
against gunicorn on 127.0.0.1, on SQLite and on PostgreSQL, as two people: a reviewer at the root unit who
sees every project and a county officer who sees the projects of one office.

    .venv/bin/python bench/load.py                                   # 10,000 projects, both databases
    .venv/bin/python bench/load.py --projects 2000 --duration 5 --runs 1 --databases sqlite   # a quick look

The data: ``bench/load_data.py`` fills a temp SQLite file (the demo cloned ``--projects`` times, the stored
summaries computed by the production code); ``bench/load_copy.py`` copies it into a throwaway PostgreSQL
cluster (a temp dir on a loopback port, started with the binaries under /usr/lib/postgresql) migrated by the
same code, so both databases hold the same rows. Per database, gunicorn serves it with ``jixiao.gunicorn_conf``
(``--workers`` workers, persistent database connections), each person signs in, every URL is fetched once
and must answer 200 (a warm-up and a check: a redirect to the sign-in page would look like a fast answer),
then ``wrk`` (``bench/load.lua``: the URLs rotated, the session cookie sent) drives each page for
``--duration`` seconds with ``--connections`` connections, ``--runs`` times; medians are printed. The baseline
is a static file (``/static/web/app.css``, served by WhiteNoise in the same workers) timed the same way.

Server CPU per request: the CPU time (user + system) of the gunicorn workers and, on PostgreSQL, of the
cluster's processes, read from /proc before and after each run, divided by the requests served. It does not
depend on what else the machine runs, unlike requests/s.

Output: a Markdown table per database on stdout, and every run as JSON in ``bench/out/load.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
LUA = HERE / "load.lua"
sys.path.insert(0, str(HERE))

from load_data import OFFICER, PASSWORD, REVIEWER  # noqa: E402 - after the path above

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
GOAL_P95_MS = 100.0
GOAL_RPS = 300.0
LOCALE = ("--encoding=UTF8", "--locale=C.UTF-8")


# --- processes and CPU time --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds of the process and its reaped children) from /proc/<pid>/stat."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    ticks = sum(int(fields[i]) for i in (11, 12, 13, 14))  # utime stime cutime cstime
    return int(fields[1]), ticks / CLOCK_TICKS


def tree_cpu(root_pids: list[int]) -> float:
    """CPU seconds used so far by these processes and all their descendants."""
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            found = _stat(int(entry))
            if found is not None:
                stats[int(entry)] = found
    total, todo, seen = 0.0, list(root_pids), set()
    while todo:
        pid = todo.pop()
        if pid in seen or pid not in stats:
            continue
        seen.add(pid)
        total += stats[pid][1]
        todo += [child for child, (parent, _) in stats.items() if parent == pid]
    return total


# --- databases ---------------------------------------------------------------------------------------------


@dataclass
class Database:
    name: str
    url: str
    server_pids: list[int] = field(default_factory=list)  # the PostgreSQL postmaster, for CPU time


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


@contextlib.contextmanager
def postgres_database(work: Path) -> Iterator[Database | None]:
    """A throwaway cluster in ``work``; ``None`` (and a message) when none can be started."""
    pg_bin = _pg_bin()
    if pg_bin is None:
        print("PostgreSQL: no binaries under /usr/lib/postgresql, skipped", file=sys.stderr)
        yield None
        return
    shutil.rmtree(work, ignore_errors=True)  # a cluster left by an earlier run (--data-dir)
    work.mkdir()
    data = work / "pgdata"
    data.mkdir()
    as_postgres: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        work.parent.chmod(0o711)  # the postgres user must reach its directory
        shutil.chown(work, "postgres")
        shutil.chown(data, "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    log = work / "pg.log"
    try:
        subprocess.run(
            [*as_postgres, str(pg_bin / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", *LOCALE],
            check=True,
            capture_output=True,
        )
        options = f"-p {port} -k {work} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100"
        subprocess.run(
            [
                *as_postgres,
                str(pg_bin / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(log),
                "-w",
                "-o",
                options,
                "start",
            ],
            check=True,
            capture_output=True,
        )
    except (subprocess.CalledProcessError, OSError) as error:
        detail = getattr(error, "stderr", b"") or b""
        print(
            f"PostgreSQL: the cluster did not start ({error}): {detail.decode(errors='replace')}",
            file=sys.stderr,
        )
        yield None
        return
    try:
        postmaster = int((data / "postmaster.pid").read_text().split()[0])
        import psycopg

        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE jixiao_load")
        yield Database("PostgreSQL", f"postgres://postgres@127.0.0.1:{port}/jixiao_load", [postmaster])
    finally:
        subprocess.run(
            [*as_postgres, str(pg_bin / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
            capture_output=True,
            check=False,
        )


# --- the server --------------------------------------------------------------------------------------------


def app_env(database: Database, work: Path, port: int, workers: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database.url,
            "DJANGO_SETTINGS_MODULE": "jixiao.settings",
            "JIXIAO_VAR_DIR": str(work / "var"),
            "JIXIAO_SECRET_KEY": secrets.token_urlsafe(50),
            "JIXIAO_ALLOWED_HOSTS": "127.0.0.1",
            "JIXIAO_CONN_MAX_AGE": "600",
            "JIXIAO_BIND": f"127.0.0.1:{port}",
            "JIXIAO_WORKERS": str(workers),
            "JIXIAO_MAX_REQUESTS": "0",  # no worker restarts: its CPU time would leave the count
            "JIXIAO_GUNICORN_LOG_LEVEL": "warning",
            # The kept pages shared by the workers, as README's production section sets them up.
            "JIXIAO_PAGE_CACHE_BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "JIXIAO_PAGE_CACHE_LOCATION": str(work / f"pages-{database.name}"),
        }
    )
    env.pop("JIXIAO_DEBUG", None)
    return env


@contextlib.contextmanager
def gunicorn(env: dict[str, str], port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as out:
        server = subprocess.Popen(
            [str(GUNICORN), "-c", "python:jixiao.gunicorn_conf"], env=env, cwd=ROOT, stderr=out
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5).read()
                break
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.3)
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def sign_in(base: str, username: str) -> str:
    """The session cookie (``sessionid=…``) of ``username`` after signing in through the form."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None, "no CSRF token on the sign-in page"
    form = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    opener.open(urllib.request.Request(f"{base}/accounts/login/", data=form, headers={"Referer": base + "/"}))
    session = next((c for c in jar if c.name == "sessionid"), None)
    if session is None:
        raise SystemExit(f"{username} could not sign in")
    return f"sessionid={session.value}"


def quoted(path: str) -> str:
    return urllib.parse.quote(path, safe="/?=&")


def check(base: str, cookie: str, paths: list[str], log: Path) -> None:
    """Every path answers 200 to this person (not a redirect to the sign-in page, not an error)."""
    for path in paths:
        request = urllib.request.Request(base + quoted(path), headers={"Cookie": cookie})
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=60) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        if status != 200:
            raise SystemExit(f"{path} answered {status}; the server's log:\n{log.read_text()[-3000:]}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        raise SystemExit(f"{args[0].full_url} redirected to {args[-1]}")


# --- the pages ---------------------------------------------------------------------------------------------


def page_sets(sample: dict[str, Any]) -> dict[str, dict[str, list[str]]]:
    """The URLs each person requests, per page."""
    city_units = sample["units"][:: 1 + len(sample["units"]) // 10][:5]
    lists_reviewer = [
        "/projects/",
        "/projects/?year=2025",
        *(f"/projects/?unit={u}" for u in city_units),
        "/projects/?light=red",
        "/projects/?light=yellow&sort=-rate",
        "/projects/?q=培训",
        "/projects/?q=经费&year=2026&page=2",
        "/projects/?sort=-budget&page=5",
        "/projects/?status=approved&sort=name",
    ]
    lists_officer = [
        "/projects/",
        "/projects/?year=2025",
        f"/projects/?unit={sample['officer_unit']}",
        "/projects/?light=red",
        "/projects/?light=yellow&sort=-rate",
        "/projects/?q=培训",
        "/projects/?q=经费&year=2026",
        "/projects/?sort=-budget",
    ]
    return {
        REVIEWER: {
            "home": ["/"],
            "list": lists_reviewer,
            "project": [f"/projects/{pk}/" for pk in sample["all_projects"][:50]],
        },
        OFFICER: {
            "home": ["/"],
            "list": lists_officer,
            "project": [f"/projects/{pk}/" for pk in sample["officer_projects"][:50]],
        },
        "": {"static": ["/static/web/app.css"]},
    }


def run_wrk(base: str, cookie: str, paths: list[str], args: argparse.Namespace, work: Path) -> dict[str, Any]:
    urls = work / "urls.txt"
    urls.write_text("\n".join(quoted(p) for p in paths) + "\n")
    env = dict(os.environ, LOAD_URLS=str(urls), LOAD_COOKIE=cookie)
    command = ["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{args.duration}s"]
    command += ["--timeout", "10s", "-s", str(LUA), base]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    line = next(line for line in done.stdout.splitlines() if line.startswith("{"))
    return dict(json.loads(line))


def measure(
    base: str, cookie: str, paths: list[str], args: argparse.Namespace, work: Path, pids: list[int]
) -> dict[str, Any]:
    before = tree_cpu(pids)
    figures = run_wrk(base, cookie, paths, args, work)
    cpu = tree_cpu(pids) - before
    seconds = figures["duration_us"] / 1e6
    errors = sum(figures["errors"].values())
    return {
        "rps": figures["requests"] / seconds,
        "p50_ms": figures["p50_us"] / 1000,
        "p95_ms": figures["p95_us"] / 1000,
        "p99_ms": figures["p99_us"] / 1000,
        "cpu_ms": cpu / max(1, figures["requests"]) * 1000,
        "requests": figures["requests"],
        "errors": errors,
    }


def median_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    keys = ("rps", "p50_ms", "p95_ms", "p99_ms", "cpu_ms")
    summary: dict[str, Any] = {k: statistics.median(r[k] for r in runs) for k in keys}
    summary["errors"] = sum(r["errors"] for r in runs)
    summary["requests"] = sum(r["requests"] for r in runs)
    return summary


def fill(database: Database, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Generate the data into ``database`` (``load_data.py``) and collect the static files once; with
    ``--data-dir``, what an earlier run generated there is used again."""
    saved = work / "data.json"
    if args.data_dir is not None and saved.exists():
        print(f"{database.name}: the data of {saved} used again", file=sys.stderr)
        subprocess.run(  # the code may have new migrations since
            [str(PYTHON), "-m", "jixiao.manage", "migrate", "--noinput"],
            env={**app_env(database, work, 0, args.workers), "JIXIAO_DEBUG": "1"},
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        reused: dict[str, Any] = json.loads(saved.read_text())
        return reused
    env = app_env(database, work, 0, args.workers)
    started = time.perf_counter()
    made = subprocess.run(
        [
            str(PYTHON),
            str(HERE / "load_data.py"),
            "--projects",
            str(args.projects),
            "--seeds",
            str(args.seeds),
        ],
        env={**env, "JIXIAO_DEBUG": "1"},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if made.returncode != 0:
        raise SystemExit(f"load_data failed on {database.name}:\n{made.stderr[-3000:]}")
    data: dict[str, Any] = json.loads(made.stdout.strip().splitlines()[-1])
    data["timings"]["total_s"] = time.perf_counter() - started
    print(f"{database.name}: {json.dumps(data['counts'])}, {json.dumps(data['timings'])}", file=sys.stderr)
    subprocess.run(
        [str(PYTHON), "-m", "jixiao.manage", "collectstatic", "--noinput"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    saved.write_text(json.dumps(data))
    return data


def copy_into(database: Database, sqlite_file: Path, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Migrate ``database`` and copy the SQLite database's rows into it (``load_copy.py``)."""
    env = app_env(database, work, 0, args.workers)
    subprocess.run(
        [str(PYTHON), "-m", "jixiao.manage", "migrate", "--noinput"],
        env={**env, "JIXIAO_DEBUG": "1"},
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    done = subprocess.run(
        [str(PYTHON), str(HERE / "load_copy.py"), str(sqlite_file), database.url],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    copied: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"{database.name}: copied {copied['rows']:,} rows in {copied['copy_s']:.0f} s", file=sys.stderr)
    return copied


def bench_database(
    database: Database, data: dict[str, Any], work: Path, args: argparse.Namespace
) -> dict[str, Any]:
    port = free_port()
    env = app_env(database, work, port, args.workers)
    shutil.rmtree(env["JIXIAO_PAGE_CACHE_LOCATION"], ignore_errors=True)  # nothing kept from an earlier run
    base = f"http://127.0.0.1:{port}"
    results: dict[str, Any] = {"database": database.name, "data": data, "pages": {}}
    log = work / f"gunicorn-{database.name}.log"
    with gunicorn(env, port, log) as server:
        pids = [server.pid, *database.server_pids]
        cookies = {REVIEWER: sign_in(base, REVIEWER), OFFICER: sign_in(base, OFFICER), "": ""}
        sets = page_sets(data["sample"])
        for person, pages in sets.items():
            for paths in pages.values():
                check(base, cookies[person], paths, log)
        for run in range(args.runs):
            for person, pages in sets.items():
                for page, paths in pages.items():
                    key = f"{page} ({person})" if person else page
                    figures = measure(base, cookies[person], paths, args, work, pids)
                    results["pages"].setdefault(key, []).append(figures)
                    print(
                        f"  {database.name} run {run + 1}: {key}: {figures['rps']:.0f} req/s, "
                        f"p95 {figures['p95_ms']:.1f} ms, {figures['cpu_ms']:.1f} ms CPU/req",
                        file=sys.stderr,
                    )
    results["median"] = {key: median_of(runs) for key, runs in results["pages"].items()}
    return results


def table(results: dict[str, Any]) -> str:
    medians = results["median"]
    baseline = medians.get("static", {}).get("rps")
    lines = [
        f"### {results['database']}",
        "",
        "| page (person) | req/s | × static | p50 ms | p95 ms | p99 ms | server CPU ms/req | errors | goal |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for key, m in medians.items():
        ratio = f"{m['rps'] / baseline:.2f}" if baseline else "—"
        met = m["p95_ms"] <= GOAL_P95_MS and m["rps"] >= GOAL_RPS and m["errors"] == 0
        lines.append(
            f"| {key} | {m['rps']:,.0f} | {ratio} | {m['p50_ms']:.1f} | {m['p95_ms']:.1f} | {m['p99_ms']:.1f} "
            f"| {m['cpu_ms']:.1f} | {m['errors']} | {'met' if met else 'missed'} |"
        )
    counts, timings = results["data"]["counts"], results["data"]["timings"]
    lines += [
        "",
        f"Data: {counts['projects']:,} projects, {counts['indicators']:,} indicators, "
        f"{counts['results']:,} results, {counts['expenditures']:,} expenditures; inserts "
        f"{timings['inserts_s']:.0f} s, summaries {timings['summaries_s']:.0f} s"
        + (
            f" (on SQLite; copied into PostgreSQL in {results['data']['copy']['copy_s']:.0f} s)."
            if "copy" in results["data"]
            else "."
        ),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per page and run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn workers")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="keep the generated SQLite database here and use it again on the next run",
    )
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        parser.error("wrk is missing (apt-get install -y wrk)")
    chosen = [d.strip() for d in args.databases.split(",") if d.strip()]
    OUT.mkdir(exist_ok=True)
    every: list[dict[str, Any]] = []
    with open("/proc/loadavg") as loadavg:
        load_before = loadavg.read().split()[:3]
    with tempfile.TemporaryDirectory(prefix="jixiao-load-") as tmp:
        work = Path(tmp)
        if args.data_dir is not None:
            args.data_dir.mkdir(parents=True, exist_ok=True)
            work = args.data_dir.resolve()
        sqlite_file = work / "load.sqlite3"
        sqlite = Database("SQLite", f"sqlite:///{sqlite_file}")
        data = fill(sqlite, work, args)
        if "sqlite" in chosen:
            results = bench_database(sqlite, data, work, args)
            every.append(results)
            print(table(results) + "\n", flush=True)
        if "postgres" in chosen:
            with postgres_database(work / "pg") as postgres:
                if postgres is None:
                    print("### PostgreSQL\n\nskipped: no PostgreSQL cluster could be started\n")
                else:
                    data = {**data, "copy": copy_into(postgres, sqlite_file, work, args)}
                    results = bench_database(postgres, data, work, args)
                    every.append(results)
                    print(table(results) + "\n", flush=True)
    with open("/proc/loadavg") as loadavg:
        load_after = loadavg.read().split()[:3]
    print(
        f"{args.workers} gunicorn workers, wrk {args.threads} thread(s) × {args.connections} connections, "
        f"{args.duration} s × {args.runs} runs per page (medians); load average before {' '.join(load_before)}, "
        f"after {' '.join(load_after)}; {os.cpu_count()} CPUs"
    )
    (OUT / "load.json").write_text(
        json.dumps(
            {
                "args": vars(args) | {"seeds": str(args.seeds), "data_dir": str(args.data_dir)},
                "results": every,
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
