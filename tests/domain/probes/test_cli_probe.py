"""`jixiao probe URL --json`: a person checking sites by hand gets every check, in the promised shape."""

from __future__ import annotations

import json

from jixiao.cli import main

from .conftest import Sites


def test_it_prints_one_result_per_url_in_the_promised_shape(sites: Sites, capsys) -> None:
    status = main(["probe", "--json", "--timeout", "2", "--ca-file", str(sites.pki.ca_file), sites.tls_valid])
    payload = json.loads(capsys.readouterr().out)
    (result,) = payload["results"]
    assert set(result) == {"url", "ok", "status", "timings", "tls", "headers", "content", "findings"}
    assert set(result["timings"]) == {"dns", "connect", "tls", "first_byte", "total"}
    assert set(result["tls"]) == {"expires", "days_left", "valid_chain", "hostname_ok", "protocol"}
    assert result["tls"]["valid_chain"] is True
    assert result["status"] == 200
    assert {"score", "grade", "tests"} <= set(result["headers"])
    assert {"hash", "hidden_links"} <= set(result["content"])
    assert status == (0 if result["ok"] else 1)


def test_it_reports_a_dead_site_and_exits_1(sites: Sites, capsys) -> None:
    status = main(["probe", "--json", "--routine", "--timeout", "1", sites.closed])
    (result,) = json.loads(capsys.readouterr().out)["results"]
    assert result["ok"] is False
    assert result["findings"]
    assert status == 1


def test_it_finds_the_exposed_git_config(sites: Sites, capsys) -> None:
    main(["probe", "--json", "--timeout", "2", f"http://127.0.0.1:{sites.site_port}/"])
    (result,) = json.loads(capsys.readouterr().out)["results"]
    assert any(f["check"] == "exposure" and ".git/config" in f["message"] for f in result["findings"])
