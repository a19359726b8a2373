"""The read pages at scale: the home page and the project list read each project's stored summary (aggregated,
sorted and paged by the database), so their queries do not grow with the number of projects; the project page
reads a bounded number; a summary is forgotten when what it comes from changes and computed again before it
is read."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from web_helpers import World, user

from jixiao.performance.choices import ResultStatusChoices
from jixiao.performance.models import (
    Indicator,
    PeriodResult,
    Project,
    ProjectFunds,
    ProjectSummary,
    SpendingStep,
)
from jixiao.performance.selectors import build_monitoring_snapshot, default_cutoff_month
from jixiao.performance.summary import colour_of, page_stamp
from jixiao.web import inbox, selectors
from jixiao.web.templatetags.jixiao_format import money


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


@pytest.fixture(autouse=True)
def _no_kept_home_pages() -> None:
    selectors._kept.clear()


def clone(project: Project, copies: int) -> None:
    """``copies`` more projects like ``project`` in its unit, with its indicators, funds and approved results."""
    indicators = list(Indicator.objects.unrestricted().filter(project=project))
    results = list(PeriodResult.objects.unrestricted().filter(indicator__project=project))
    funds = list(ProjectFunds.objects.unrestricted().filter(project=project))
    steps = list(SpendingStep.objects.unrestricted().filter(project=project))

    def copy(obj: Any, **changes: Any) -> Any:
        values = {
            f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields if not f.primary_key
        }
        return type(obj)(**(values | changes))

    for n in range(copies):
        twin = Project.objects.bulk_create(
            [copy(project, name=f"{project.name}（副本{n}）", code=f"COPY{n}")]
        )[0]
        ProjectFunds.objects.bulk_create([copy(f, project_id=twin.pk) for f in funds])
        SpendingStep.objects.bulk_create([copy(s, project_id=twin.pk) for s in steps])
        for indicator in indicators:
            new = Indicator.objects.bulk_create([copy(indicator, project_id=twin.pk)])[0]
            PeriodResult.objects.bulk_create(
                [copy(r, indicator_id=new.pk) for r in results if r.indicator_id == indicator.pk]
            )


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


SECURITY_TILE_QUERIES = (
    14  # the security indicators' live values on the home page: never kept, always current
)


def inbox_queries(username: str) -> int:
    """The queries the 待办 inbox costs for this person (it is never kept: what waits changes by the minute)."""
    with CaptureQueriesContext(connection) as captured:
        inbox.items_for(user(username))
    return len(captured.captured_queries)


LISTS = ["/projects/", "/projects/?light=red&sort=-rate", "/projects/?q=经费&year=2023&sort=light&page=1"]


def test_home_and_list_read_as_many_queries_for_ten_times_the_projects(world: World) -> None:
    client = signed_in("finance")
    for url in ["/", *LISTS]:
        client.get(url)  # the summaries are computed on the first read
    selectors._kept.clear()
    before = {url: queries(client, url) for url in ["/", *LISTS]}

    clone(world.suzhou_project, 10)
    for url in ["/", *LISTS]:
        client.get(url)
    selectors._kept.clear()
    after = {url: queries(client, url) for url in ["/", *LISTS]}

    assert after == before
    # The page's own reads; the 待办 inbox on it asks every app's providers, a fixed few queries each.
    waiting = inbox_queries("finance")
    assert waiting <= 2 * len(inbox.providers()), waiting
    # 22 for the lights, tiles and chart, and one query per kind of record behind the security indicators'
    # live values (systems watched, notices, warnings, incidents, monthly reports: 14 in all).
    assert before["/"] - waiting <= 22 + SECURITY_TILE_QUERIES, (before, waiting)
    assert all(before[url] <= 20 for url in LISTS), before


def test_the_home_page_kept_in_the_process_reads_only_the_session_the_scope_and_the_data_state(
    world: World, django_assert_max_num_queries: Any
) -> None:
    client = signed_in("suzhou_officer")
    first = client.get("/").content.decode()
    with django_assert_max_num_queries(10 + SECURITY_TILE_QUERIES + inbox_queries("suzhou_officer")):
        again = client.get("/").content.decode()
    assert world.suzhou_project.name in again
    assert again.count('class="light light-') == first.count('class="light light-')


def test_the_project_page_reads_as_many_queries_whatever_its_indicators_and_results(
    world: World, django_assert_max_num_queries: Any
) -> None:
    client = signed_in("finance")
    small, large = world.shunping_project, world.suzhou_project
    for project in (small, large):
        client.get(f"/projects/{project.pk}/")
    assert Indicator.objects.unrestricted().filter(project=large).count() != (
        Indicator.objects.unrestricted().filter(project=small).count()
    )
    with django_assert_max_num_queries(60):
        response = client.get(f"/projects/{large.pk}/")
    assert response.status_code == 200
    assert queries(client, f"/projects/{large.pk}/") == queries(client, f"/projects/{small.pk}/")


def test_the_stored_summaries_say_what_the_monitoring_snapshot_says(world: World) -> None:
    assert signed_in("finance").get("/").status_code == 200
    cutoff = default_cutoff_month()
    projects = list(Project.objects.unrestricted().select_related("summary"))
    assert projects
    for project in projects:
        snapshot = build_monitoring_snapshot(project, cutoff)
        summary = project.summary
        assert summary.cutoff_month == cutoff
        assert summary.colour == colour_of(snapshot.light), project.name
        assert summary.light_explanation == snapshot.light.explanation
        assert summary.executed == snapshot.executed.quantize(Decimal("0.01"))
        if snapshot.rate is None:
            assert summary.rate is None
        else:
            assert summary.rate == pytest.approx(snapshot.rate, abs=Decimal("0.000001"))


def test_a_changed_result_is_forgotten_and_read_again_on_the_home_page(world: World) -> None:
    client = signed_in("finance")
    client.get("/")
    project = world.suzhou_project
    before = ProjectSummary.objects.unrestricted().get(project=project)
    result = (
        PeriodResult.objects.unrestricted()
        .filter(indicator__project=project, status=ResultStatusChoices.APPROVED, value__isnull=False)
        .order_by("pk")
        .first()
    )
    assert result is not None
    assert result.value is not None
    result.value = result.value * 100
    result.save()

    assert not ProjectSummary.objects.unrestricted().filter(project=project).exists()
    assert client.get("/").status_code == 200  # the kept home page is not used: the data changed
    after = ProjectSummary.objects.unrestricted().get(project=project)
    assert after.computed_at > before.computed_at
    assert after.colour == colour_of(build_monitoring_snapshot(project, default_cutoff_month()).light)


def test_a_bulk_change_that_sends_no_signal_is_seen_through_the_projects_updated_at(world: World) -> None:
    client = signed_in("finance")
    project = world.suzhou_project
    client.get("/projects/")
    ProjectFunds.objects.unrestricted().filter(project=project, horizon="annual").update(
        total=Decimal("123456789.00")
    )
    Project.objects.unrestricted().filter(pk=project.pk).update(
        updated_at=timezone.now() + timedelta(seconds=1)
    )

    html = client.get("/projects/", {"unit": project.unit_id}).content.decode()
    assert money(Decimal("123456789.00")) in html


@pytest.mark.parametrize("colour", ["red", "yellow", "green", "blue", "none"])
def test_the_light_filter_lists_exactly_the_projects_of_that_light(world: World, colour: str) -> None:
    html = signed_in("finance").get("/projects/", {"light": colour}).content.decode()
    cutoff = default_cutoff_month()
    for project in Project.objects.unrestricted().all():
        shown = f'href="/projects/{project.pk}/"' in html
        assert shown == (colour_of(build_monitoring_snapshot(project, cutoff).light) == colour), project.name


def test_the_list_counts_once_and_pages_in_the_database(world: World) -> None:
    clone(world.suzhou_project, 30)
    client = signed_in("finance")
    client.get("/projects/")
    with CaptureQueriesContext(connection) as captured:
        html = client.get("/projects/", {"page": 2}).content.decode()
    counts = [q["sql"] for q in captured.captured_queries if '"__count"' in q["sql"]]
    assert len(counts) == 1
    total = Project.objects.unrestricted().count()
    assert f"共 {total} 个项目" in html
    assert html.count('href="/projects/') - html.count('href="/projects/?') <= 25 + 5


def test_refresh_project_summaries_computes_every_summary(world: World) -> None:
    ProjectSummary.objects.unrestricted().delete()
    out = StringIO()
    call_command("refresh_project_summaries", stdout=out)
    assert ProjectSummary.objects.unrestricted().count() == Project.objects.unrestricted().count()
    assert "已计算" in out.getvalue()


def page(client: Client, url: str) -> str:
    """The page's HTML without its per-request tokens (CSRF, CSP nonce)."""
    html = client.get(url).content.decode()
    return re.sub(r'(csrfmiddlewaretoken" value|nonce)="[^"]*"', "", html)


def test_the_project_page_keeps_its_computed_parts_until_its_data_changes(
    world: World, django_assert_max_num_queries: Any
) -> None:
    client = signed_in("finance")
    project = world.suzhou_project
    url = f"/projects/{project.pk}/"
    first = queries(client, url)
    again = queries(client, url)
    assert again < first, (first, again)
    assert again <= 30, again

    result = (
        PeriodResult.objects.unrestricted()
        .filter(indicator__project=project, status=ResultStatusChoices.APPROVED, value__isnull=False)
        .select_related("indicator")
        .order_by("pk")
        .first()
    )
    assert result is not None
    assert result.value is not None
    cutoff = default_cutoff_month()
    stamp = page_stamp(project, cutoff)
    assert page_stamp(project, cutoff) == stamp
    result.value = result.value * 1000
    result.save()
    changed = page(client, url)
    assert page_stamp(project, cutoff) != stamp
    # What the page shows is what it computes afresh (no kept part of the old data is left).
    from django.core.cache import cache

    cache.clear()
    assert page(client, url) == changed
    assert queries(client, url) == again


def test_the_project_page_kept_for_one_person_shows_another_only_what_they_may_see(world: World) -> None:
    project = world.suzhou_project
    url = f"/projects/{project.pk}/"
    assert signed_in("finance").get(url).status_code == 200
    assert signed_in("suzhou_officer").get(url).status_code == 200
    assert signed_in("shunping_officer").get(url).status_code == 404
