"""Storing probe results: runs and deduplicated findings in bulk, failure confirmation, reopening, workflow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from security_helpers import DOWN, GIT, NO_CSP, result

from jixiao.audit.models import AuditEvent
from jixiao.domain.probes import Baseline
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.models import Unit
from jixiao.security.actions.assets import do_create_asset
from jixiao.security.actions.findings import (
    do_mark_false_positive,
    do_reject_fix,
    do_report_fixed,
    do_start_rectifying,
    do_verify_fixed,
)
from jixiao.security.models import Asset, AssetState, CheckRun, Finding
from jixiao.security.store import Probed, record_probe_results


def run(*probed: Probed) -> None:
    record_probe_results(list(probed), run_started=timezone.now())


def test_it_stores_a_run_and_deduplicates_findings_by_key(edu_site: Asset) -> None:
    run(Probed(edu_site, result(edu_site, findings=[NO_CSP, GIT]), group="full"))
    first = Finding.objects.unrestricted().get(check_name="exposure.git")
    run(Probed(edu_site, result(edu_site, findings=[NO_CSP, GIT]), group="full"))

    assert CheckRun.objects.unrestricted().filter(asset=edu_site).count() == 2
    assert Finding.objects.unrestricted().count() == 2
    again = Finding.objects.unrestricted().get(pk=first.pk)
    assert (again.seen_count, again.status, again.severity) == (2, "open", "critical")
    assert again.last_seen > first.first_seen == again.first_seen
    assert again.category == "exposure"
    stored_run = CheckRun.objects.unrestricted().filter(asset=edu_site).order_by("-pk").first()
    assert stored_run is not None
    assert stored_run.timings["total"] == 5.0
    # The run keeps what it saw: both findings, under the keys the findings are stored by.
    stored_keys = set(Finding.objects.unrestricted().values_list("key", flat=True))
    assert {found["key"] for found in stored_run.summary["findings"]} == stored_keys
    assert again.key in stored_keys
    assert AuditEvent.objects.unrestricted().filter(action="finding.opened").count() == 2


def test_an_outage_opens_only_after_three_failures_in_a_row_and_closes_after_two_successes(
    edu_site: Asset,
) -> None:
    down = Probed(edu_site, result(edu_site, ok=False, findings=[DOWN]))
    up = Probed(edu_site, result(edu_site))

    run(down)
    run(down)
    run(up)  # a blip: the counter starts again
    run(down)
    run(down)
    assert not Finding.objects.unrestricted().exists()
    assert AssetState.objects.unrestricted().get(asset=edu_site).failures == 2

    run(down)
    outage = Finding.objects.unrestricted().get()
    assert (outage.check_name, outage.status) == ("availability.connect", "open")
    run(down)
    assert Finding.objects.unrestricted().get().seen_count == 2

    run(up)
    assert Finding.objects.unrestricted().get().status == "open"
    run(up)
    outage.refresh_from_db()
    assert outage.status == "verified_fixed"
    assert AuditEvent.objects.unrestricted().get(action="finding.recovered").changes == {
        "status": ["open", "verified_fixed"]
    }
    state = AssetState.objects.unrestricted().get(asset=edu_site)
    assert (state.failing, state.failures, state.successes) == (False, 0, 2)


def test_a_fixed_finding_that_comes_back_is_reopened(edu_site: Asset) -> None:
    run(Probed(edu_site, result(edu_site, findings=[GIT])))
    finding = Finding.objects.unrestricted().get()
    do_verify_fixed(finding, acting_user=SYSTEM, reason="已删除")

    run(Probed(edu_site, result(edu_site, findings=[GIT])))

    finding.refresh_from_db()
    assert (finding.status, finding.reopened_count, finding.seen_count) == ("open", 1, 2)
    assert AuditEvent.objects.unrestricted().filter(action="finding.reopened", object_id=finding.pk).exists()


def test_a_false_positive_seen_again_stays_set_aside(edu_site: Asset, analyst: User) -> None:
    run(Probed(edu_site, result(edu_site, findings=[NO_CSP])))
    finding = do_mark_false_positive(
        Finding.objects.unrestricted().get(), acting_user=analyst, reason="由网关统一下发"
    )
    run(Probed(edu_site, result(edu_site, findings=[NO_CSP])))
    finding.refresh_from_db()
    assert (finding.status, finding.seen_count) == ("false_positive", 2)


def test_the_content_baseline_is_kept_for_the_next_probe(edu_site: Asset) -> None:
    baseline = Baseline(raw_hash="r" * 64, text_hash="t" * 64, text="网络安全宣传周")
    from jixiao.domain.probes import Check

    run(Probed(edu_site, result(edu_site, baseline=baseline), checks=frozenset({Check.AVAILABILITY})))
    assert AssetState.objects.unrestricted().get(asset=edu_site).baseline_text == ""
    run(Probed(edu_site, result(edu_site, baseline=baseline), checks=frozenset({Check.CONTENT})))
    assert AssetState.objects.unrestricted().get(asset=edu_site).baseline_text == "网络安全宣传周"


def _assets(owner: Unit, count: int, start: int) -> list[Asset]:
    return [
        do_create_asset(f"站点{n}", f"https://s{n}.gov.test/", owner=owner, acting_user=SYSTEM, reason="x")
        for n in range(start, start + count)
    ]


def test_a_batch_costs_the_same_number_of_queries_whatever_its_size(education: Unit) -> None:
    counts = []
    # 40 assets stay within one statement of SQLite's 999 parameters; larger batches are chunked.
    for size, start in ((3, 0), (40, 100)):
        assets = _assets(education, size, start)
        batch = [Probed(a, result(a, findings=[NO_CSP, GIT])) for a in assets]
        run(*batch)  # first sight: every finding is new
        with CaptureQueriesContext(connection) as queries:
            record_probe_results(batch, run_started=timezone.now())  # seen again: updates
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 12


def test_the_workflow_moves_with_reasons_and_roles(
    edu_site: Asset, analyst: User, education_editor: User, health_editor: User
) -> None:
    run(Probed(edu_site, result(edu_site, findings=[GIT])))
    finding = Finding.objects.unrestricted().get()

    with pytest.raises(PermissionDenied):
        do_start_rectifying(finding, acting_user=health_editor, reason="x")
    with pytest.raises(ValidationError, match="原因"):
        do_start_rectifying(finding, acting_user=education_editor, reason=" ")
    do_start_rectifying(finding, acting_user=education_editor, reason="已安排整改")
    do_report_fixed(finding, acting_user=education_editor, reason="已删除.git目录")
    with pytest.raises(PermissionDenied):
        do_verify_fixed(finding, acting_user=education_editor, reason="自己复核")
    with pytest.raises(PermissionDenied):
        do_reject_fix(finding, acting_user=education_editor, reason="x")
    do_reject_fix(finding, acting_user=analyst, reason="复核仍可访问")
    finding.refresh_from_db()
    assert finding.status == "rectifying"
    with pytest.raises(ValidationError, match="不能开始整改"):
        do_start_rectifying(finding, acting_user=education_editor, reason="again")

    verbs = list(
        AuditEvent.objects.unrestricted()
        .filter(object_id=finding.pk, action__startswith="finding.")
        .order_by("at", "pk")
        .values_list("action", "actor_label", "reason")
    )
    assert verbs == [
        ("finding.opened", "系统", "监测发现"),
        ("finding.rectifying", "edu_editor", "已安排整改"),
        ("finding.fix_reported", "edu_editor", "已删除.git目录"),
        ("finding.fix_rejected", "analyst", "复核仍可访问"),
    ]
    assert finding.status_changed_at >= finding.first_seen - dt.timedelta(seconds=1)
