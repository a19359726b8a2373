"""Findings a complete check no longer sees: closed by the system, or handed to verification if notified."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.utils import timezone
from security_helpers import GIT, NO_CSP, result

from jixiao.audit.models import AuditEvent
from jixiao.domain.probes import ALL_CHECKS, Check, Severity
from jixiao.security.models import Asset, Finding
from jixiao.security.store import Probed, record_probe_results

ROUTINE = frozenset({Check.AVAILABILITY, Check.TLS, Check.HEADERS})
WEAK_CIPHER = ("tls.weak_cipher", Severity.MEDIUM, "RC4", "weak cipher suite offered: RC4")
EXPIRY = ("tls.expiry", Severity.HIGH, "14", "certificate expires in 10 days")


def run(
    asset: Asset, findings: list, *, completed: frozenset[Check], ok: bool = True, **probed: object
) -> None:
    record_probe_results(
        [Probed(asset, result(asset, ok=ok, findings=findings, completed=completed), **probed)],  # type: ignore[arg-type]
        run_started=timezone.now(),
    )


def test_a_finding_the_complete_check_no_longer_sees_is_verified_fixed(edu_site: Asset) -> None:
    run(edu_site, [NO_CSP, GIT], completed=ALL_CHECKS)
    run(edu_site, [GIT], completed=ALL_CHECKS)

    csp = Finding.objects.unrestricted().get(check_name="headers.csp")
    assert csp.status == "verified_fixed"
    assert Finding.objects.unrestricted().get(check_name="exposure.git").status == "open"
    event = AuditEvent.objects.unrestricted().get(action="finding.gone")
    assert event.actor is None
    assert event.reason == "完整检查未再发现"
    assert event.changes == {"status": ["open", "verified_fixed"]}

    run(edu_site, [NO_CSP, GIT], completed=ALL_CHECKS)  # the header was taken away again
    csp.refresh_from_db()
    assert (csp.status, csp.reopened_count) == ("open", 1)


def test_a_notified_finding_that_is_gone_waits_for_the_notice_re_check(
    edu_site: Asset, analyst: User
) -> None:
    run(edu_site, [GIT], completed=ALL_CHECKS)
    Finding.objects.unrestricted().filter(check_name="exposure.git").update(status="notified")
    run(edu_site, [], completed=ALL_CHECKS)
    assert Finding.objects.unrestricted().get(check_name="exposure.git").status == "awaiting_verification"


def test_a_check_that_did_not_reach_its_verdict_closes_nothing(edu_site: Asset) -> None:
    run(edu_site, [NO_CSP, GIT], completed=ALL_CHECKS)
    # The exposure paths timed out and the header check was not asked for: nothing can be told of either.
    run(edu_site, [], completed=frozenset({Check.AVAILABILITY, Check.TLS}))
    # The site answered with an error page: its headers and content say nothing of the real site.
    run(edu_site, [], completed=ALL_CHECKS, ok=False)
    assert set(Finding.objects.unrestricted().values_list("status", flat=True)) == {"open"}
    assert not AuditEvent.objects.unrestricted().filter(action="finding.gone").exists()


def test_the_hourly_tls_check_cannot_clear_what_only_the_weekly_enumeration_sees(edu_site: Asset) -> None:
    run(edu_site, [WEAK_CIPHER, EXPIRY], completed=frozenset(), track=False, group="tls_full")
    run(edu_site, [EXPIRY], completed=ROUTINE)
    run(edu_site, [], completed=ROUTINE)
    statuses = dict(Finding.objects.unrestricted().values_list("check_name", "status"))
    assert statuses == {"tls.weak_cipher": "open", "tls.expiry": "verified_fixed"}
