"""Every finding speaks Chinese: each check the engine can report has a title, why and fix; each header
result has its Chinese sentence; and no message is left in English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jixiao.domain.probes.catalog import UNREACHABLE, explain, header_seen, known_checks, known_header_results
from jixiao.domain.probes.http import ErrorKind

from .conftest import run_probe

PROBES = Path(__file__).resolve().parents[3] / "src" / "jixiao" / "domain" / "probes"
CJK = re.compile(r"[\u4e00-\u9fff]")


def checks_in_source() -> set[str]:
    found: set[str] = set()
    for path in PROBES.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        found.update(re.findall(r'sink\.add\(\s*"([a-z_.0-9]+)"', text))
        found.update(re.findall(r'sink\.add\(\s*f"(availability)\.', text))
    return found


def test_the_source_reports_the_checks_we_expect() -> None:
    assert {"exposure", "hidden_link", "tls.expiry", "redirect.unregistered_host"} <= checks_in_source()


@pytest.mark.parametrize("check", sorted(checks_in_source()))
def test_each_check_has_a_chinese_title_why_and_fix(check: str) -> None:
    explained = explain(check, "看到的情况")
    assert check in known_checks() or check.split(".", 1)[0] in known_checks()
    assert all(CJK.search(part) for part in (explained.title, explained.why, explained.fix))
    assert (explained.code, explained.seen) == (check, "看到的情况")


def test_a_header_check_falls_back_to_its_family() -> None:
    explained = explain("headers.content-security-policy", "未设置内容安全策略")
    assert explained.title == "安全响应头缺失或配置不当"


def test_every_header_result_code_has_a_chinese_sentence() -> None:
    codes = set(re.findall(r'_test\(\s*name,\s*"([a-z0-9-]+)"', (PROBES / "headers.py").read_text()))
    codes |= {"redirection-to-https", "redirection-missing"}
    assert codes <= known_header_results()
    assert header_seen("csp-not-implemented", -25) == (
        "未设置内容安全策略（Content-Security-Policy）（csp-not-implemented，-25 分）"
    )


def test_every_reason_a_site_is_unreachable_is_said_in_chinese() -> None:
    assert set(UNREACHABLE) == {str(kind) for kind in ErrorKind}


def test_an_unknown_check_still_gets_a_chinese_explanation() -> None:
    assert explain("something.new", "x").title == "安全发现"


def test_a_real_probe_speaks_chinese(sites: object) -> None:
    result = run_probe(sites.site + "/", exposure_paths=("/.git/config",))  # type: ignore[attr-defined]
    assert result.findings
    for finding in result.findings:
        assert CJK.search(finding.message), finding.message
