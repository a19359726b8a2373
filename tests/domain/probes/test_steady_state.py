"""The steady state of a patrol: a page whose raw bytes match the baseline is not parsed again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from jixiao.domain.probes import (
    ROUTINE_CHECKS,
    Baseline,
    Check,
    ContentRules,
    PageSummary,
    ProbeResult,
    summary_from_dict,
    summary_to_dict,
)
from jixiao.domain.probes import engine as engine_module
from jixiao.domain.probes.model import HiddenLink, KeywordHit, ScriptRef

from .conftest import Sites, run_probe


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The URLs the engine really parsed, in order."""
    seen: list[str] = []
    real: Callable[..., Any] = engine_module.analyse

    def counting(body: bytes, content_type: str | None, page_url: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(page_url)
        return real(body, content_type, page_url, *args, **kwargs)

    monkeypatch.setattr(engine_module, "analyse", counting)
    return seen


def comparable(result: ProbeResult) -> list[tuple[str, str, str, str]]:
    return [(f.check, str(f.severity), f.key, f.message) for f in result.findings]


def baseline_of(result: ProbeResult) -> Baseline:
    assert result.baseline is not None
    return result.baseline


def test_a_probe_hands_back_a_baseline_with_the_summary_of_its_analysis(sites: Sites) -> None:
    result = run_probe(sites.site + "/", checks=ROUTINE_CHECKS)
    baseline = baseline_of(result)
    assert result.content is not None
    assert not result.content.reused
    assert baseline.raw_hash == result.content.raw_hash
    summary = baseline.analysis
    assert summary is not None
    assert [h.href for h in summary.hidden_links] == [h.href for h in result.content.hidden_links]
    assert KeywordHit("gambling", "澳门赌场") in summary.keywords
    assert summary.is_html


def test_an_unchanged_page_is_not_parsed_and_yields_the_same_findings(
    sites: Sites, parses: list[str]
) -> None:
    first = run_probe(sites.site + "/", checks=ROUTINE_CHECKS)
    baseline = baseline_of(first)
    full = run_probe(sites.site + "/", checks=ROUTINE_CHECKS, baseline=replace(baseline, analysis=None))
    assert len(parses) == 2
    steady = run_probe(sites.site + "/", checks=ROUTINE_CHECKS, baseline=baseline)
    assert len(parses) == 2  # a fresh engine, so no in-memory cache helped: the baseline did
    assert steady.content is not None
    assert steady.content.reused
    assert steady.content.similarity == 1.0
    assert full.content is not None
    assert not full.content.reused
    assert steady.content.hash == full.content.hash
    assert comparable(steady) == comparable(full)
    assert {"hidden_link", "content.keyword"} <= {f.check for f in steady.findings}
    assert steady.headers is not None
    assert full.headers is not None
    assert steady.headers.tests == full.headers.tests
    assert steady.baseline == baseline  # the next cycle can reuse it again


def test_a_changed_page_is_parsed_again(sites: Sites, parses: list[str]) -> None:
    before = baseline_of(run_probe(sites.deface + "/before", checks=ROUTINE_CHECKS))
    edited = run_probe(sites.deface + "/edited", checks=ROUTINE_CHECKS, baseline=before)
    assert len(parses) == 2
    assert edited.content is not None
    assert not edited.content.reused
    assert edited.content.similarity is not None
    assert edited.content.similarity < 1.0
    assert "content.change" in {f.check for f in edited.findings}


def test_a_summary_taken_under_other_rules_is_not_reused(sites: Sites, parses: list[str]) -> None:
    without_hidden = ROUTINE_CHECKS - {Check.HIDDEN_LINKS}
    baseline = baseline_of(run_probe(sites.site + "/", checks=without_hidden))
    with_hidden = run_probe(sites.site + "/", checks=ROUTINE_CHECKS, baseline=baseline)
    assert with_hidden.content is not None
    assert not with_hidden.content.reused
    assert with_hidden.content.hidden_links
    other_domains = run_probe(
        sites.site + "/",
        checks=ROUTINE_CHECKS,
        baseline=baseline_of(with_hidden),
        content=ContentRules(own_domains=("amdc-casino.test",)),
    )
    assert other_domains.content is not None
    assert not other_domains.content.reused
    assert len(parses) == 3


def test_a_summary_survives_json_and_a_malformed_one_is_ignored() -> None:
    summary = PageSummary(
        rules="abc",
        keywords=(KeywordHit("gambling", "博彩"),),
        hidden_links=(HiddenLink("http://x.test/", "博彩", "display:none"),),
        scripts=(ScriptRef("https://cdn.test/a.js", integrity=False),),
        is_html=True,
    )
    assert summary_from_dict(summary_to_dict(summary)) == summary
    assert summary_from_dict(None) is None
    assert summary_from_dict({"rules": "abc"}) is None
    assert summary_from_dict({**summary_to_dict(summary), "keywords": [["only-one"]]}) is None
