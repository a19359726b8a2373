"""Exposed files and panels: well-known paths that should never answer on a public site.

A hit needs three things, to defeat "soft 404" sites that answer 200 to everything: status 200, a
content signature (magic bytes, words only that file has, a non-HTML body where HTML is impossible),
and a difference from what the site answers for a random path of the same shape.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from jixiao.domain.probes.findings import FindingSink, Severity
from jixiao.domain.probes.http import FetchResult, Response

Signature = Callable[[Response], bool]
Fetch = Callable[[str], Awaitable[FetchResult]]


def _looks_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype", b"<html", b"<head", b"<body", b"<?xml")) or b"<html" in head


def _magic(*prefixes: bytes) -> Signature:
    return lambda r: r.body.startswith(prefixes)


def _text(pattern: bytes, *, minimum: int = 1) -> Signature:
    compiled = re.compile(pattern, re.MULTILINE)

    def signature(response: Response) -> bool:
        if _looks_html(response.body):
            return False
        return len(compiled.findall(response.body)) >= minimum

    return signature


def _words(*words: bytes) -> Signature:
    return lambda r: all(w in r.body for w in words)


_PASSWORD_INPUT = re.compile(rb"""<input[^>]+type\s*=\s*["']?password""", re.IGNORECASE)
_ADMIN_WORDS = re.compile("(admin|login|sign in|管理|后台|登录|登陆)".encode(), re.IGNORECASE)


def _admin_login(response: Response) -> bool:
    return bool(_PASSWORD_INPUT.search(response.body) and _ADMIN_WORDS.search(response.body))


def _phpmyadmin(response: Response) -> bool:
    return b"phpMyAdmin" in response.body and b"<html" in response.body[:2048].lower()


@dataclass(frozen=True, slots=True)
class ExposurePath:
    """One path to try; ``{host}`` stands for the asset's host name (``example.gov.cn.zip``)."""

    path: str
    what: str
    severity: Severity
    signature: Signature


def _git_config(response: Response) -> bool:
    body = response.body
    return not _looks_html(body) and b"[core]" in body and b"repositoryformatversion" in body


_GIT_CONFIG = _git_config
_ENV = _text(rb"^\s*[A-Z][A-Z0-9_]{1,63}\s*=", minimum=2)
_SQL = _text(rb"(?i)create table|insert into|drop table|-- mysql dump|-- postgresql database dump")
_ZIP = _magic(b"PK\x03\x04", b"PK\x05\x06")
_GZIP = _magic(b"\x1f\x8b")
_RAR = _magic(b"Rar!\x1a\x07")

CATALOGUE: tuple[ExposurePath, ...] = (
    ExposurePath(
        "/.git/config",
        "Git 仓库配置文件（源代码可被下载）",
        Severity.CRITICAL,
        _GIT_CONFIG,
    ),
    ExposurePath(
        "/.git/HEAD",
        "Git 仓库 HEAD 文件（源代码可被下载）",
        Severity.CRITICAL,
        _magic(b"ref: refs/"),
    ),
    ExposurePath(
        "/.svn/wc.db", "SVN 工作副本数据库（源代码可被下载）", Severity.HIGH, _magic(b"SQLite format 3\x00")
    ),
    ExposurePath("/.env", "环境配置文件（含密码和密钥）", Severity.CRITICAL, _ENV),
    ExposurePath(
        "/.DS_Store", "macOS 目录索引文件（泄露文件名）", Severity.LOW, _magic(b"\x00\x00\x00\x01Bud1")
    ),
    ExposurePath("/backup.zip", "网站备份压缩包", Severity.HIGH, _ZIP),
    ExposurePath("/www.zip", "网站备份压缩包", Severity.HIGH, _ZIP),
    ExposurePath("/web.zip", "网站备份压缩包", Severity.HIGH, _ZIP),
    ExposurePath("/wwwroot.zip", "网站备份压缩包", Severity.HIGH, _ZIP),
    ExposurePath("/{host}.zip", "网站备份压缩包", Severity.HIGH, _ZIP),
    ExposurePath("/backup.tar.gz", "网站备份压缩包", Severity.HIGH, _GZIP),
    ExposurePath("/www.tar.gz", "网站备份压缩包", Severity.HIGH, _GZIP),
    ExposurePath("/www.rar", "网站备份压缩包", Severity.HIGH, _RAR),
    ExposurePath("/backup.sql", "数据库导出文件", Severity.CRITICAL, _SQL),
    ExposurePath("/db.sql", "数据库导出文件", Severity.CRITICAL, _SQL),
    ExposurePath("/database.sql", "数据库导出文件", Severity.CRITICAL, _SQL),
    ExposurePath("/{host}.sql", "数据库导出文件", Severity.CRITICAL, _SQL),
    ExposurePath(
        "/phpinfo.php",
        "phpinfo() 页面（泄露服务器内部信息）",
        Severity.MEDIUM,
        _words(b"phpinfo()", b"PHP Version"),
    ),
    ExposurePath(
        "/info.php",
        "phpinfo() 页面（泄露服务器内部信息）",
        Severity.MEDIUM,
        _words(b"phpinfo()", b"PHP Version"),
    ),
    ExposurePath("/WEB-INF/web.xml", "Java Web 应用配置文件", Severity.HIGH, _words(b"<web-app")),
    ExposurePath(
        "/server-status", "Apache 服务器状态页", Severity.MEDIUM, _words(b"Apache Server Status for")
    ),
    ExposurePath("/phpmyadmin/", "可从互联网访问的 phpMyAdmin 登录页", Severity.MEDIUM, _phpmyadmin),
    ExposurePath("/admin/", "可从互联网访问的后台管理登录页", Severity.LOW, _admin_login),
    ExposurePath("/administrator/", "可从互联网访问的后台管理登录页", Severity.LOW, _admin_login),
    ExposurePath("/manage/", "可从互联网访问的后台管理登录页", Severity.LOW, _admin_login),
    ExposurePath("/houtai/", "可从互联网访问的后台管理登录页", Severity.LOW, _admin_login),
)
_BY_PATH = {entry.path: entry for entry in CATALOGUE}


def paths_named(names: Iterable[str] | None) -> tuple[ExposurePath, ...]:
    """The catalogue entries for ``names`` (all of them for None); unknown names are an error, not a no-op."""
    if names is None:
        return CATALOGUE
    chosen = []
    for name in names:
        if name not in _BY_PATH:
            raise ValueError(f"unknown exposure path {name!r}; known: {', '.join(_BY_PATH)}")
        chosen.append(_BY_PATH[name])
    return tuple(chosen)


@dataclass(frozen=True, slots=True)
class Exposed:
    path: str
    url: str
    what: str
    severity: Severity


_CONTROL_EXTENSIONS = (".tar.gz", ".zip", ".rar", ".sql", ".php", ".xml", ".db")


def _control_path(path: str) -> tuple[str, str]:
    """A path of the same shape that cannot exist (same folder and extension, random name), and its shape."""
    folder, _, name = path.rpartition("/")
    token = "jx" + secrets.token_hex(8)
    if not name:
        return f"{folder}/*/", f"{folder}/{token}/"
    extension = next((e for e in _CONTROL_EXTENSIONS if name.endswith(e)), "")
    return f"{folder}/*{extension}", f"{folder}/{token}{extension}"


def _same_answer(candidate: Response, control: Response, signature: Signature) -> bool:
    if control.status != 200:
        return False
    if signature(control) or control.body == candidate.body:
        return True
    # A catch-all page that only echoes the requested path differs by a few bytes.
    longest = max(len(candidate.body), len(control.body), 1)
    return (
        abs(len(candidate.body) - len(control.body)) / longest < 0.05
        and candidate.body[:256] == control.body[:256]
    )


@dataclass(frozen=True, slots=True)
class ExposureScan:
    """What the paths showed; ``unanswered`` paths gave no HTTP answer, so the scan says nothing of them."""

    exposed: tuple[Exposed, ...]
    unanswered: int

    @property
    def complete(self) -> bool:
        return self.unanswered == 0


async def check_exposure(
    origin: str, fetch: Fetch, *, paths: Iterable[ExposurePath] = CATALOGUE, sink: FindingSink | None = None
) -> ExposureScan:
    """Try each path in turn (one request at a time: politeness), confirming hits against a control path."""
    host = urlsplit(origin).hostname or ""
    controls: dict[str, Response | None] = {}
    exposed: list[Exposed] = []
    unanswered = 0
    for entry in paths:
        path = entry.path.replace("{host}", host)
        result = await fetch(origin + path)
        response = result.response
        if response is None:
            unanswered += 1
            continue
        if response.status != 200 or not entry.signature(response):
            continue
        shape, control_path = _control_path(path)
        if shape not in controls:
            controls[shape] = (await fetch(origin + control_path)).response
        control = controls[shape]
        if control is not None and _same_answer(response, control, entry.signature):
            continue
        hit = Exposed(path=path, url=origin + path, what=entry.what, severity=entry.severity)
        exposed.append(hit)
        if sink is not None:
            sink.add(
                "exposure",
                entry.severity,
                path,
                f"{entry.what}：{hit.url} 可以直接访问（HTTP 200，内容已确认）",
            )
    return ExposureScan(tuple(exposed), unanswered)
