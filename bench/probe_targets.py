"""Local target sites for the monitoring benchmark: aiohttp servers on 127.0.0.1, run in their own process.

    python bench/probe_targets.py --count 10000 --ports 12 --https-ports 2 --cert-dir bench/out/probe-tls

Every site ``N`` is ``{scheme}://127.0.0.1:{port}/site/N/`` on port ``N mod ports``; the last ``--https-ports``
ports speak TLS with a throw-away CA made with ``cryptography`` (``ca.pem`` in ``--cert-dir``). Each page is
a few KiB of its own (Chinese text, a nav with a hidden drop-down menu, a style block, internal and external
links), so no two sites share bytes and a probe cannot skip the parse through its analysis cache. About a
third of the sites send security headers; one in a hundred carries a hidden gambling link (暗链). Every
response closes its connection (``--keep-alive`` to keep them): in real life each site is a host of its own,
so a monitoring cycle pays a new TCP connection (and TLS handshake) per site. Once
listening, the process prints one JSON line (``{"urls": [...], "ca_file": ..., "pid": ...}``) on stdout and
serves until it is killed. Loopback only: it never binds anything else.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import ipaddress
import json
import os
import random
import ssl
import sys
from pathlib import Path

from aiohttp import web

HOST = "127.0.0.1"
_WORDS = [
    "网络安全",
    "信息化",
    "政务服务",
    "数据治理",
    "应急处置",
    "等级保护",
    "通报预警",
    "舆情",
    "监测",
    "平台",
    "值班",
    "培训",
    "宣传",
    "网站",
    "系统",
    "漏洞",
    "整改",
    "核查",
    "备案",
    "公告",
    "通知",
    "工作动态",
    "政策解读",
    "办事指南",
    "互动交流",
    "领导信息",
    "机构职能",
    "年度报告",
    "专项行动",
    "清朗",
    "护网",
    "演练",
    "评估",
    "审计",
    "资金",
    "绩效",
    "目标",
    "完成",
    "推进",
    "部署",
    "落实",
    "督导",
]
_SECURE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; frame-ancestors 'self'",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Frame-Options": "SAMEORIGIN",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def page(index: int) -> bytes:
    """Site ``index``'s home page: about 3–5 KiB of HTML, different text for every site."""
    rng = random.Random(index)
    title = f"示例单位{index}门户网站"

    def sentence() -> str:
        return "，".join(rng.choice(_WORDS) for _ in range(rng.randint(6, 14))) + "。"

    menu = "".join(
        f'<li><a href="/site/{index}/col{c}/">{rng.choice(_WORDS)}</a>'
        f'<ul class="sub" style="display:none"><li><a href="/site/{index}/col{c}/a/">{rng.choice(_WORDS)}</a>'
        f'</li><li><a href="/site/{index}/col{c}/b/">{rng.choice(_WORDS)}</a></li></ul></li>'
        for c in range(6)
    )
    news = "".join(
        f'<li><a href="/site/{index}/news/{rng.randint(1000, 9999)}.html">{sentence()[:30]}</a>'
        f"<span>2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}</span></li>"
        for _ in range(12)
    )
    paragraphs = "".join(f"<p>{sentence()}{sentence()}</p>" for _ in range(4))
    spam = ""
    if index % 100 == 7:
        # An injected hidden link, the thing the hidden-link check exists for.
        spam = '<div style="position:absolute;left:-3000px"><a href="http://xpj-bocai.example/">澳门赌场 在线</a></div>'
    footer = "".join(
        f'<a href="https://www.{d}.gov.cn/">{name}</a> '
        for d, name in (("cac", "网信办"), ("gov", "政府网"), ("miit", "工信部"), ("mps", "公安部"))
    )
    html = (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>'
        "<style>body{color:#333;background:#fff}.sub{display:none}.skip{position:absolute;left:-999px}"
        ".banner{height:120px;overflow:hidden}</style>"
        f'<script src="/site/{index}/static/main.js"></script></head><body>'
        f'<a class="skip" href="#main">跳到主要内容</a><div class="banner"><h1>{title}</h1></div>'
        f'<nav><ul class="menu">{menu}</ul></nav><main id="main"><h2>工作动态</h2><ul>{news}</ul>'
        f"{paragraphs}</main>{spam}<footer>{footer}<p>版权所有 示例单位{index} 备案号 {index:06d}</p>"
        "</footer></body></html>"
    )
    return html.encode("utf-8")


def headers_for(index: int) -> dict[str, str]:
    return dict(_SECURE_HEADERS) if index % 3 == 0 else {}


def make_app(indices: list[int], *, keep_alive: bool = False) -> web.Application:
    pages = {i: page(i) for i in indices}
    extra = {i: headers_for(i) for i in indices}

    async def site(request: web.Request) -> web.Response:
        try:
            index = int(request.match_info["n"])
            body = pages[index]
        except (KeyError, ValueError):
            raise web.HTTPNotFound() from None
        response = web.Response(body=body, content_type="text/html", charset="utf-8", headers=extra[index])
        if not keep_alive:
            # Each site is a host of its own in real life: no connection to reuse from the previous site.
            response.force_close()
        return response

    app = web.Application()
    app.router.add_get("/site/{n}/", site)
    return app


def make_certificates(directory: Path) -> tuple[Path, Path, Path]:
    """A throw-away CA and a server certificate for 127.0.0.1 (IP SAN); (ca.pem, cert.pem, key.pem)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    directory.mkdir(parents=True, exist_ok=True)
    ca_path, cert_path, key_path = directory / "ca.pem", directory / "cert.pem", directory / "key.pem"
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "jixiao bench CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=200))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(HOST))]), False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return ca_path, cert_path, key_path


async def serve(
    count: int, ports: int, https_ports: int, cert_dir: Path, *, keep_alive: bool = False
) -> None:
    if not 0 <= https_ports <= ports:
        raise SystemExit("--https-ports must be between 0 and --ports")
    ca_file = None
    tls: ssl.SSLContext | None = None
    if https_ports:
        ca_path, cert_path, key_path = make_certificates(cert_dir)
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(cert_path, key_path)
        ca_file = str(ca_path)
    urls: list[str] = [""] * count
    for slot in range(ports):
        indices = list(range(slot, count, ports))
        secure = slot >= ports - https_ports
        runner = web.AppRunner(
            make_app(indices, keep_alive=keep_alive), access_log=None, handle_signals=False
        )
        await runner.setup()
        # Port 0: the kernel picks free ports, so two runs never collide.
        tcp = web.TCPSite(runner, HOST, 0, ssl_context=tls if secure else None, backlog=1024)
        await tcp.start()
        port = runner.addresses[0][1]
        scheme = "https" if secure else "http"
        for i in indices:
            urls[i] = f"{scheme}://{HOST}:{port}/site/{i}/"
    print(json.dumps({"urls": urls, "ca_file": ca_file, "pid": os.getpid()}), flush=True)
    await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="serve local target sites on 127.0.0.1 for bench_probe.py")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--ports", type=int, default=12)
    parser.add_argument("--https-ports", type=int, default=2, help="how many of --ports speak TLS")
    parser.add_argument("--cert-dir", type=Path, default=Path(__file__).parent / "out" / "probe-tls")
    parser.add_argument(
        "--keep-alive",
        action="store_true",
        help="keep connections open (default: close after every response, as distinct hosts would)",
    )
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(
            serve(args.count, args.ports, args.https_ports, args.cert_dir, keep_alive=args.keep_alive)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
