"""What each finding means, in words a website owner understands: a title, why it matters, how to fix it.

A finding's ``message`` says what was seen (the evidence: status, header, the hidden link and where it
hides, the path); ``explain()`` adds the rest from its check, the machine code that stays a field
(``exposure``, ``tls.expiry``, ``headers.content-security-policy``). Header test results are the Mozilla
Observatory's codes; ``header_seen()`` says each in Chinese, with its score change.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Explanation:
    """Title, what was seen, why it matters, how to fix it; ``code`` is the machine code of the check."""

    code: str
    title: str
    seen: str
    why: str
    fix: str


@dataclass(frozen=True, slots=True)
class _Entry:
    title: str
    why: str
    fix: str


_ENTRIES: dict[str, _Entry] = {
    "availability": _Entry(
        "网站无法正常访问",
        "公众和业务用户打不开网站；长时间中断属于网络安全事件，可能是设备故障、被攻击或被关停。",
        "检查服务器、网络和域名解析是否正常；确认不是遭受攻击后尽快恢复服务，并记录中断原因和时长。",
    ),
    "availability.status": _Entry(
        "网站返回错误页面",
        "访问者看到的是错误页而不是网站内容，说明程序或服务器出现故障。",
        "查看网站服务器和应用程序日志，修复导致错误的程序或配置。",
    ),
    "availability.oversize": _Entry(
        "页面过大",
        "过大的首页可能被植入了大量内容，或配置错误；监测只检查了前一部分。",
        "检查首页内容是否正常，清理异常内容，压缩图片和脚本。",
    ),
    "redirect.unregistered_host": _Entry(
        "跳转到未登记的主机",
        "网站把访问者引向没有登记的地址：可能被篡改或劫持，也可能是新启用的域名没有登记。为安全起见，监测不会访问该地址。",
        "确认跳转是否为本单位设置：若是，在资产登记中补充该主机；若不是，立即排查网站程序和域名解析是否被篡改。",
    ),
    "confinement.denied_address": _Entry(
        "解析到内网或保留地址",
        "登记的网站域名指向内网、环回或保留地址，可能是解析配置错误，也可能是有人利用监测访问内部系统；监测没有连接该地址。",
        "核对域名解析记录；若该资产确属内网系统，请系统管理员在资产登记中将其标为内网资产。",
    ),
    "content.keyword": _Entry(
        "页面出现违规内容",
        "首页出现赌博、色情或篡改类关键词，可能已被入侵篡改或植入违规信息，影响政府网站公信力。",
        "立即核查并删除违规内容，排查网站后台账号和程序漏洞，必要时暂停网站并保留证据。",
    ),
    "content.defacement": _Entry(
        "网页被篡改",
        "首页大部分内容被替换并出现违规词，是典型的网页篡改事件，需按网络安全事件处置。",
        "立即恢复网页或临时关闭网站，保留日志和页面证据，排查入侵途径并修补漏洞，按规定报告。",
    ),
    "content.change": _Entry(
        "网页内容发生较大变化",
        "首页文字与上次确认的基线差异较大，可能是正常改版，也可能是被篡改。",
        "确认变化是否为本单位发布；若是正常更新，在监测中确认新的基线；若不是，按篡改处置。",
    ),
    "hidden_link": _Entry(
        "暗链（隐藏的违规链接）",
        "页面中藏有访客看不到、搜索引擎能看到的链接，通常指向赌博、色情等网站，是网站被入侵的常见迹象。",
        "删除页面和模板中的隐藏链接，排查被篡改的文件和后台账号，修补上传和编辑漏洞。",
    ),
    "cloaking": _Entry(
        "对搜索引擎展示不同内容",
        "网站给搜索引擎爬虫看的内容与访客不同，常见于被黑后做黑帽推广，会在搜索结果中出现违规信息。",
        "检查服务器配置和程序中按 User-Agent 区分访问者的代码，删除恶意代码，修补入侵途径。",
    ),
    "tls.handshake": _Entry(
        "HTTPS 无法建立",
        "浏览器无法与网站建立加密连接，访问者会看到安全警告或无法打开。",
        "检查服务器的证书和 TLS 配置，确认 443 端口服务正常。",
    ),
    "tls.expiry": _Entry(
        "证书过期或即将过期",
        "证书过期后浏览器会拦截访问并提示不安全，访问者可能被迫忽略警告，易受中间人攻击。",
        "在到期前续签证书并部署到服务器，建议设置自动续期和到期提醒。",
    ),
    "tls.chain": _Entry(
        "证书不受信任",
        "证书不是受信任机构签发，或中间证书缺失，浏览器会提示不安全。",
        "使用受信任机构签发的证书，并在服务器上配置完整的证书链（含中间证书）。",
    ),
    "tls.hostname": _Entry(
        "证书与域名不符",
        "证书上的域名与网站域名不一致，浏览器会提示不安全，也可能是遭到劫持。",
        "为网站的每个域名申请并部署包含该域名的证书。",
    ),
    "tls.protocol": _Entry(
        "使用了淘汰的加密协议",
        "旧版 TLS/SSL 协议存在已知漏洞，通信可能被破解。",
        "在服务器上关闭 TLS 1.1 及以下版本，只启用 TLS 1.2 和 TLS 1.3。",
    ),
    "tls.old_protocol": _Entry(
        "仍支持淘汰的加密协议",
        "服务器仍接受旧版 TLS/SSL 协议，攻击者可以迫使连接降级后破解。",
        "在服务器上关闭 TLS 1.1 及以下版本，只启用 TLS 1.2 和 TLS 1.3。",
    ),
    "tls.weak_cipher": _Entry(
        "接受弱加密套件",
        "弱加密套件可被破解或缺少前向保密，泄露的密钥可解密以往的通信。",
        "按 Mozilla 中级配置调整服务器的加密套件列表，删除所列弱套件。",
    ),
    "tls.profile": _Entry(
        "加密套件不在推荐列表中",
        "这些套件并不弱，但不在 Mozilla 中级配置推荐列表中。",
        "有条件时按 Mozilla 中级配置整理加密套件列表。",
    ),
    "tls.no_tls13": _Entry(
        "不支持 TLS 1.3",
        "TLS 1.3 更安全、更快；不支持它不构成漏洞，但建议升级。",
        "升级服务器软件（如 OpenSSL、Nginx）并启用 TLS 1.3。",
    ),
    "headers": _Entry(
        "安全响应头缺失或配置不当",
        "安全响应头让浏览器帮助抵御跨站脚本、点击劫持、内容嗅探等攻击；缺少它们会降低网站的防护能力。",
        "在网站服务器或应用中按说明添加相应的响应头，修改后可用监测重新检查。",
    ),
    "headers.grade": _Entry(
        "安全响应头评级低",
        "按 Mozilla Observatory 规则，网站的安全响应头总体得分低于 50 分。",
        "按各项安全响应头的发现逐项整改。",
    ),
    "exposure": _Entry(
        "敏感文件可被下载",
        "源代码、配置文件、数据库导出或备份可被任何人下载，会泄露密码、数据和漏洞线索，是严重的安全隐患。",
        "立即删除或禁止访问该文件（在服务器上配置拒绝访问），更换其中泄露的密码和密钥，检查是否已被下载。",
    ),
    "probe.budget": _Entry(
        "检查未完成",
        "网站响应过慢，本次检查在时限内没有做完，部分项目没有结论。",
        "检查网站性能；若持续出现，请联系安全值守人员调整检查设置。",
    ),
    "probe.error": _Entry(
        "检查出错",
        "监测程序在检查该网站时出错，本次没有结论。",
        "请安全值守人员查看检查记录；若持续出现，请报告系统管理员。",
    ),
}

# The Observatory's result codes (headers.py) in Chinese.
_HEADER_RESULTS: dict[str, str] = {
    "csp-not-implemented": "未设置内容安全策略（Content-Security-Policy）",
    "csp-header-invalid": "内容安全策略（Content-Security-Policy）格式错误",
    "csp-implemented-with-unsafe-inline": "内容安全策略允许内联脚本（unsafe-inline），不能防御跨站脚本",
    "csp-implemented-with-unsafe-eval": "内容安全策略允许 eval（unsafe-eval）",
    "csp-implemented-with-unsafe-inline-in-style-src-only": "内容安全策略只在样式中允许内联",
    "csp-implemented-with-no-unsafe-default-src-none": "内容安全策略严格（default-src 'none'）",
    "csp-implemented-with-no-unsafe": "已设置内容安全策略",
    "hsts-not-implemented-no-https": "网站不支持 HTTPS，无法启用 HSTS",
    "hsts-preloaded": "域名已在浏览器 HSTS 预加载列表中",
    "hsts-not-implemented": "未设置 HSTS（Strict-Transport-Security）",
    "hsts-header-invalid": "HSTS（Strict-Transport-Security）格式错误",
    "hsts-implemented-max-age-less-than-six-months": "HSTS 有效期不足六个月",
    "hsts-implemented-max-age-at-least-six-months": "HSTS 有效期不少于六个月",
    "x-frame-options-implemented-via-csp": "已通过内容安全策略 frame-ancestors 防止被嵌套",
    "x-frame-options-not-implemented": "未设置 X-Frame-Options，网页可被嵌套（点击劫持）",
    "x-frame-options-sameorigin-or-deny": "已设置 X-Frame-Options",
    "x-frame-options-allow-from-origin": "X-Frame-Options 允许指定来源嵌套",
    "x-frame-options-header-invalid": "X-Frame-Options 格式错误",
    "x-content-type-options-not-implemented": "未设置 X-Content-Type-Options: nosniff",
    "x-content-type-options-nosniff": "已设置 X-Content-Type-Options: nosniff",
    "x-content-type-options-header-invalid": "X-Content-Type-Options 格式错误",
    "referrer-policy-not-implemented": "未设置 Referrer-Policy",
    "referrer-policy-header-invalid": "Referrer-Policy 格式错误",
    "referrer-policy-private": "Referrer-Policy 保护访问来源",
    "referrer-policy-unsafe": "Referrer-Policy 会把完整地址发给其他网站",
    "cookies-not-found": "未使用 Cookie",
    "cookies-session-without-secure-flag": "会话 Cookie 没有 Secure 标记，可能经明文传输被窃取",
    "cookies-session-without-httponly-flag": "会话 Cookie 没有 HttpOnly 标记，可被脚本读取",
    "cookies-without-secure-flag": "Cookie 没有 Secure 标记",
    "cookies-secure-with-httponly-sessions-and-samesite": "Cookie 已设置 Secure、HttpOnly 和 SameSite",
    "cookies-secure-with-httponly-sessions": "Cookie 已设置 Secure 和 HttpOnly",
    "redirection-not-checked": "未检查 HTTP 跳转",
    "redirection-not-needed-no-http": "网站不提供 HTTP 访问，无需跳转",
    "redirection-to-https": "HTTP 访问会跳转到 HTTPS",
    "redirection-missing": "HTTP 访问没有跳转到 HTTPS",
    "redirection-not-to-https": "HTTP 访问没有跳转到 HTTPS",
    "redirection-not-to-https-on-initial-redirection": "HTTP 访问先跳转到其他 HTTP 地址，再到 HTTPS",
    "cross-origin-resource-sharing-not-implemented": "未开放跨域访问",
    "cross-origin-resource-sharing-implemented-with-universal-access": "跨域访问对任意网站开放且允许携带凭据",
    "cross-origin-resource-sharing-implemented-with-public-access": "跨域访问对公众开放",
    "cross-origin-resource-sharing-implemented-with-restricted-access": "跨域访问限于指定网站",
    "sri-not-implemented-response-not-html": "不是网页，无需子资源完整性",
    "sri-not-implemented-but-no-scripts-loaded": "网页未加载脚本",
    "sri-not-implemented-but-all-scripts-loaded-from-secure-origin": "脚本都来自本站",
    "sri-not-implemented-and-external-scripts-not-loaded-securely": "外部脚本经明文 HTTP 加载且没有完整性校验，可被篡改",
    "sri-implemented-and-external-scripts-loaded-securely": "外部脚本已设置完整性校验",
    "sri-not-implemented-but-external-scripts-loaded-securely": "外部脚本经 HTTPS 加载但没有完整性校验（integrity）",
}


def header_seen(result: str, modifier: int) -> str:
    """A header test's result in Chinese, with the Observatory code and the score change."""
    return f"{_HEADER_RESULTS.get(result, result)}（{result}，{modifier:+d} 分）"


def _entry(check: str) -> _Entry | None:
    """The entry for ``check``, else for its family (``availability.dns`` → ``availability``)."""
    found = _ENTRIES.get(check)
    if found is None and "." in check:
        found = _ENTRIES.get(check.split(".", 1)[0])
    return found


def explain(check: str, message: str) -> Explanation:
    """Title, the evidence (``message``), why it matters and how to fix it, for a finding of ``check``."""
    found = _entry(check)
    if found is None:
        return Explanation(check, "安全发现", message, "监测发现了需要关注的情况。", "请安全值守人员核实。")
    return Explanation(check, found.title, message, found.why, found.fix)


def known_checks() -> frozenset[str]:
    return frozenset(_ENTRIES)


def known_header_results() -> frozenset[str]:
    return frozenset(_HEADER_RESULTS)


# Why a fetch got no page (http.ErrorKind values), in Chinese.
UNREACHABLE: dict[str, str] = {
    "invalid_url": "网址无效",
    "dns": "域名解析失败",
    "connect": "无法建立连接",
    "tls": "加密连接失败",
    "timeout": "响应超时",
    "protocol": "通信出错",
    "redirect_loop": "跳转循环",
    "too_many_redirects": "跳转次数过多",
    "denied_address": "受限地址",
}
