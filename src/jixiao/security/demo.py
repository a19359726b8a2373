"""Demo sites on 127.0.0.1 for the monitor: healthy ones and ones with findings, registered as demo assets.

Every site is invented content served by aiohttp in a background thread: a clean portal with every security
header, a page without headers, a page with a hidden gambling link (暗链), a site with ``.git/config``
exposed, an https site with an expired certificate, and a registered address where nothing listens.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import ipaddress
import socket
import ssl
import tempfile
import threading
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from aiohttp import web

from jixiao.orgs.actors import SYSTEM

T = TypeVar("T")
DEFAULT_BASE_PORT = 18081

PORTAL = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1><p>本单位网站提供政务公开、办事指南和互动交流服务。</p>
<p>网络安全宣传周活动将于下月举行，欢迎市民参加。</p>{extra}</body></html>"""

HIDDEN_LINK = (
    """<div style="display:none"><a href="http://www.xpj-casino.example/">澳门赌场 在线开户</a></div>"""
)

GIT_CONFIG = "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n"

GOOD_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'self'; frame-ancestors 'none'",
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


@dataclass(frozen=True, slots=True)
class DemoSite:
    key: str
    name: str
    url: str
    category: str
    importance: str
    expected: str  # what the monitor should find, for the person watching the demo


def _page(title: str, extra: str = "", headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        text=PORTAL.format(title=title, extra=extra),
        content_type="text/html",
        charset="utf-8",
        headers=headers,
    )


def _app(
    title: str, *, extra: str = "", headers: dict[str, str] | None = None, git: bool = False
) -> web.Application:
    async def index(request: web.Request) -> web.Response:
        return _page(title, extra, headers)

    async def git_config(request: web.Request) -> web.Response:
        return web.Response(text=GIT_CONFIG, content_type="text/plain")

    async def not_found(request: web.Request) -> web.Response:
        return web.Response(
            text="<html><body>404 页面不存在</body></html>", status=404, content_type="text/html"
        )

    app = web.Application()
    app.router.add_get("/", index)
    if git:
        app.router.add_get("/.git/config", git_config)
    app.router.add_get("/{tail:.*}", not_found)
    return app


def expired_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 that expired two days ago."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "jixiao demo expired")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=90))
        .not_valid_after(now - dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "expired.crt", folder / "expired.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


class DemoServers:
    """The demo sites on their own event loop in a background thread; ``stop()`` shuts them down.

    ``base_port=0`` takes free ports (tests); a fixed base keeps the registered URLs stable across runs.
    """

    def __init__(self, base_port: int = DEFAULT_BASE_PORT) -> None:
        self.base_port = base_port
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="demo-sites", daemon=True)
        self._runners: list[web.AppRunner] = []
        self._folder = tempfile.TemporaryDirectory(prefix="jixiao-demo-")
        self.sites: list[DemoSite] = []

    def _call(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=30)

    def _port(self, offset: int) -> int:
        return 0 if self.base_port == 0 else self.base_port + offset

    async def _serve(self, app: web.Application, port: int, context: ssl.SSLContext | None = None) -> int:
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen(128)
        await web.SockSite(runner, sock, ssl_context=context).start()
        self._runners.append(runner)
        return int(sock.getsockname()[1])

    def start(self) -> list[DemoSite]:
        self._thread.start()
        cert, key = expired_certificate(Path(self._folder.name))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        plans: list[tuple[str, str, web.Application | None, ssl.SSLContext | None, str, str, str]] = [
            (
                "healthy",
                "演示：市政府门户网站",
                _app("市政府门户网站", headers=GOOD_HEADERS),
                None,
                "政务网站",
                "key",
                "no serious findings",
            ),
            (
                "headers",
                "演示：市教育局网站",
                _app("市教育局网站"),
                None,
                "政务网站",
                "ordinary",
                "missing security headers",
            ),
            (
                "hidden_link",
                "演示：市文旅局网站",
                _app("市文旅局网站", extra=HIDDEN_LINK),
                None,
                "政务网站",
                "key",
                "hidden gambling link",
            ),
            (
                "git",
                "演示：市住建局业务系统",
                _app("市住建局业务系统", git=True),
                None,
                "信息系统",
                "key",
                "exposed .git/config",
            ),
            (
                "expired",
                "演示：市卫健委预约平台",
                _app("市卫健委预约平台", headers=GOOD_HEADERS),
                context,
                "信息系统",
                "ordinary",
                "expired certificate",
            ),
            (
                "down",
                "演示：已停用的旧网站",
                None,
                None,
                "政务网站",
                "ordinary",
                "unreachable (confirmed after 3 checks)",
            ),
        ]
        for offset, (key_, name, app, tls, category, importance, expected) in enumerate(plans):
            if app is None:
                port = self._port(offset) or _free_port()
            else:
                port = self._call(self._serve(app, self._port(offset), tls))
            scheme = "https" if tls is not None else "http"
            self.sites.append(
                DemoSite(key_, name, f"{scheme}://127.0.0.1:{port}/", category, importance, expected)
            )
        return self.sites

    def stop(self) -> None:
        async def shutdown() -> None:
            for runner in self._runners:
                with contextlib.suppress(Exception):
                    await runner.cleanup()

        if self._thread.is_alive():
            with contextlib.suppress(Exception):
                self._call(shutdown())
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=10)
        if not self._thread.is_alive():
            self.loop.close()
        self._folder.cleanup()


def _free_port() -> int:
    """A port nothing listens on (bound and released at once), for the 'down' site."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


DEMO_UNIT = "演示单位（网络安全监测）"


def register_demo_assets(sites: list[DemoSite], *, reason: str = "演示网站（demo_sites）") -> list[Any]:
    """Register the demo sites as assets of the demo units, idempotently by URL; returns the assets.

    The owner is the first unit whose name has 网信 (the units ``load_demo`` creates), else a demo unit
    under the root (created if missing).
    """
    from jixiao.orgs.actions import do_create_unit
    from jixiao.orgs.models import Unit
    from jixiao.security.actions.assets import do_create_asset, do_update_asset
    from jixiao.security.models import Asset
    from jixiao.security.registry import normalise_url

    owner = Unit.objects.unrestricted().filter(name__contains="网信").order_by("path").first()
    if owner is None:
        owner = Unit.objects.unrestricted().filter(name=DEMO_UNIT).first()
    if owner is None:
        root = Unit.objects.unrestricted().filter(parent__isnull=True).order_by("path").first()
        owner = do_create_unit(DEMO_UNIT, parent=root, acting_user=SYSTEM, reason=reason)
    assets = []
    for site in sites:
        existing = Asset.objects.unrestricted().filter(url=normalise_url(site.url)).first()
        if existing is not None:
            assets.append(
                do_update_asset(
                    existing, name=site.name, active=True, internal=True, acting_user=SYSTEM, reason=reason
                )
            )
            continue
        assets.append(
            do_create_asset(
                site.name,
                site.url,
                owner=owner,
                kind="information_system" if site.category == "信息系统" else "website",
                category=site.category,
                importance=site.importance,
                tags=["演示"],
                internal=True,  # the demo sites stand on 127.0.0.1
                contact_name="演示联系人",
                contact_email="demo@example.invalid",
                acting_user=SYSTEM,
                reason=reason,
            )
        )
    return assets


# --- the demo's security records (load_demo) ---------------------------------------------------------------

SECURITY_DEMO_REASON = "演示数据（load_demo）"
SECURITY_USERS = (
    ("suzhou_security", "钱伟", "suzhou"),
    ("shunping_security", "郑芳", "shunping"),
)
# (name, path on the demo host, kind, category, importance, findings as (check, severity, detail, message))
_DEMO_ASSETS: tuple[tuple[str, str, str, str, str, tuple[tuple[str, str, str, str], ...]], ...] = (
    ("门户网站", "/", "website", "政务网站", "key", ()),
    (
        "政务服务系统",
        "/service/",
        "information_system",
        "信息系统",
        "key",
        (
            (
                "exposure",
                "critical",
                ".git/config",
                "/.git/config 可被公开下载，状态码200，内容为 Git 仓库配置",
            ),
        ),
    ),
    (
        "宣传网站",
        "/news/",
        "website",
        "政务网站",
        "ordinary",
        (
            (
                "content.hidden_link",
                "high",
                "xpj-casino",
                "页面隐藏了外链“澳门赌场 在线开户”（display:none 的 div 中）",
            ),
            ("headers.content-security-policy", "medium", "csp", "未设置 Content-Security-Policy 安全头"),
        ),
    ),
    ("旧版网站", "/old/", "website", "政务网站", "key", ()),
)


def _demo_user(username: str, name: str, unit: Any) -> Any:
    from django.contrib.auth import get_user_model

    from jixiao.orgs.actions import do_grant_membership
    from jixiao.web.demo import demo_password

    User = get_user_model()
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    user = User.objects.create_user(username, "", demo_password(), first_name=name)
    do_grant_membership(user, unit, "security", acting_user=SYSTEM, reason=SECURITY_DEMO_REASON)
    return user


def _probe(asset: Any, *, ok: bool, findings: tuple[tuple[str, str, str, str], ...], total: float) -> Any:
    from jixiao.domain.probes import Finding as ProbeFinding
    from jixiao.domain.probes import ProbeResult, Severity, Timings, finding_key
    from jixiao.domain.probes.findings import asset_of

    return ProbeResult(
        url=asset.url,
        ok=ok,
        status=200 if ok else None,
        timings=Timings(dns=None, connect=2.0, tls=None, first_byte=total / 2, total=total),
        tls=None,
        headers=None,
        content=None,
        findings=tuple(
            ProbeFinding(check, Severity(severity), finding_key(asset_of(asset.url), check, detail), message)
            for check, severity, detail, message in findings
        ),
        final_url=asset.url if ok else None,
        error=None if ok else "connection refused",
    )


def load_security_demo(out: Any) -> dict[str, Any]:
    """Security staff for each demo office, and a month of their work: assets on 127.0.0.x with check runs
    and findings (stored as the monitor stores them), an outage incident opened by the monitor's own job and
    resolved, a notice sent and answered, a warning published, last month's report published.

    Idempotent: an office that already has assets is left as it is.
    """
    from django.utils import timezone

    from jixiao.orgs.models import Unit
    from jixiao.security import jobs
    from jixiao.security.actions import advisories, assets, incidents, monthly, notices
    from jixiao.security.models import Asset, Finding, Incident
    from jixiao.security.store import Probed, record_probe_results
    from jixiao.web.demo import OFFICES

    made: dict[str, Any] = {"users": [], "assets": 0}
    offices = []
    for index, office in enumerate(OFFICES):
        unit = (
            (Unit.objects.unrestricted().filter(code=office.code).first() if office.code else None)
            or Unit.objects.unrestricted().filter(name=office.office).first()
            or Unit.objects.unrestricted().filter(name=office.short).first()
        )
        if unit is None:
            continue
        username, name, _key = SECURITY_USERS[index]
        staff = _demo_user(username, name, unit)
        made["users"].append(staff.username)
        offices.append((index, unit, staff))
    for index, unit, staff in offices:
        if Asset.objects.unrestricted().filter(owner=unit).exists():
            continue
        host = f"127.0.0.{10 + index}"
        created = [
            assets.do_create_asset(
                f"{OFFICES[index].short}{name}（演示）",
                f"http://{host}:{DEFAULT_BASE_PORT + 100}{path}",
                owner=unit,
                kind=kind,
                category=category,
                importance=importance,
                tags=["演示", category],
                internal=True,
                contact_name="演示联系人",
                contact_phone="0557-0000000",
                acting_user=SYSTEM,
                reason=SECURITY_DEMO_REASON,
            )
            for name, path, kind, category, importance, _findings in _DEMO_ASSETS
        ]
        made["assets"] += len(created)
        start = timezone.now() - dt.timedelta(hours=3)
        # Three rounds of checks: the old site fails every time (confirmed down), the others answer.
        for round_ in range(3):
            at = start + dt.timedelta(minutes=5 * round_)
            record_probe_results(
                [
                    Probed(
                        a,
                        _probe(a, ok=a is not created[-1], findings=plan[5], total=80.0 + 40 * i),
                        finished=at,
                    )
                    for i, (a, plan) in enumerate(zip(created, _DEMO_ASSETS, strict=True))
                ],
                run_started=at,
            )
        jobs.process_monitor_events()
        outage = Incident.objects.unrestricted().filter(asset=created[-1]).first()
        if outage is not None and index == 1:
            incidents.do_acknowledge_incident(outage, acting_user=SYSTEM, reason="已安排运维人员排查")
            incidents.do_resolve_incident(outage, acting_user=SYSTEM, reason="服务器已重启，网站恢复")
        live = list(Finding.objects.unrestricted().filter(asset__owner=unit).order_by("pk"))
        critical = [f for f in live if f.severity == "critical"]
        drafted = list(notices.Notice.objects.unrestricted().filter(unit=unit, status="draft").order_by("pk"))
        notice = drafted[0] if drafted else None
        if notice is None and critical:
            notice = notices.do_create_notice(
                unit,
                critical,
                deadline=timezone.now() + dt.timedelta(days=7),
                acting_user=SYSTEM,
                reason=SECURITY_DEMO_REASON,
            )
        if notice is not None:
            notices.do_send_notice(notice, acting_user=staff, reason="确认的严重问题，限期整改")
        warning = advisories.do_create_warning(
            unit,
            "关于防范勒索病毒攻击的安全预警",
            "近期勒索病毒攻击活动频繁，请各单位及时修补系统漏洞、备份重要数据、关闭不必要的远程端口。",
            recipients=[unit],
            severity="high",
            acting_user=staff,
            reason=SECURITY_DEMO_REASON,
        )
        advisories.do_publish_warning(warning, acting_user=staff, reason=SECURITY_DEMO_REASON)
        today = timezone.localdate()
        last = today.replace(day=1) - dt.timedelta(days=1)
        report = monthly.do_generate_monthly_report(
            unit, last.year, last.month, acting_user=SYSTEM, reason=SECURITY_DEMO_REASON
        )
        monthly.do_publish_monthly_report(report, acting_user=staff, reason="已审阅")
        # This month's report stays a draft: the staff reviews and publishes it.
        monthly.do_generate_monthly_report(
            unit, today.year, today.month, acting_user=staff, reason=SECURITY_DEMO_REASON
        )
    out.write(f"security demo: users {', '.join(made['users'])}; {made['assets']} asset(s) registered\n")
    return made
