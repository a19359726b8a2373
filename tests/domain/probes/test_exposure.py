"""Exposed files: a real ``.git/config`` is found; a soft-404 site that answers 200 to everything is not."""

from __future__ import annotations

import pytest

from jixiao.domain.probes.exposure import paths_named
from jixiao.domain.probes.model import Check

from .conftest import Sites, run_probe

EXPOSURE = frozenset({Check.AVAILABILITY, Check.EXPOSURE})


def exposure_findings(url: str) -> list[tuple[str, str]]:
    result = run_probe(url, checks=EXPOSURE)
    assert result.ok
    return [(f.severity, f.message) for f in result.findings if f.check == "exposure"]


def test_an_exposed_git_config_is_critical(sites: Sites) -> None:
    found = exposure_findings(sites.site + "/")
    assert found == [
        (
            "critical",
            f"Git 仓库配置文件（源代码可被下载）：{sites.site}/.git/config 可以直接访问（HTTP 200，内容已确认）",
        )
    ]


def test_a_soft_404_page_for_every_path_is_not_an_exposure(sites: Sites) -> None:
    assert exposure_findings(sites.soft404 + "/") == []


def test_a_site_answering_git_config_for_every_path_is_caught_by_the_control_path(sites: Sites) -> None:
    # The signature matches everywhere here, so only the random control path tells the truth.
    assert exposure_findings(sites.catch_all_git + "/") == []


def test_the_same_exposure_has_the_same_key_on_every_run(sites: Sites) -> None:
    first = run_probe(sites.site + "/", checks=EXPOSURE, exposure_paths=("/.git/config",))
    second = run_probe(sites.site + "/", checks=EXPOSURE, exposure_paths=("/.git/config",))
    assert [f.key for f in first.findings] == [f.key for f in second.findings]
    assert len(first.findings) == 1


def test_an_unknown_path_name_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown exposure path"):
        paths_named(["/secret.txt"])
