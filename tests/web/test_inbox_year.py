"""The 待办 inbox's providers of the year's review work: rounds a task asks for (with its deadline, overdue),
rounds and self-evaluations to review, rectification items to answer and review; nothing of a foreign unit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone
from web_helpers import World, user
from year_helpers import reopen_year

from jixiao.orgs.actors import SYSTEM
from jixiao.performance.actions.evaluation import do_update_evaluation
from jixiao.performance.actions.locks import do_grant_lock_exception
from jixiao.performance.actions.monitoring import do_return_monitoring_round
from jixiao.performance.actions.rectification import do_answer_rectification, do_open_rectification
from jixiao.performance.actions.results import do_lock_period
from jixiao.performance.actions.tasks import do_issue_monitoring_task
from jixiao.performance.inbox_year import evaluation_items, monitoring_items, rectification_items
from jixiao.performance.models import MonitoringRound, MonitoringTask
from jixiao.performance.periods import Period
from jixiao.web.inbox import Step, items_for, providers

pytestmark = pytest.mark.django_db


def test_the_providers_are_registered_by_the_app() -> None:
    names = {p.__name__ for p in providers()}
    assert {"monitoring_items", "evaluation_items", "rectification_items"} <= names


def test_a_task_puts_each_units_rounds_in_its_inbox_with_the_deadline_and_overdue(world: World) -> None:
    suzhou, shunping = world.suzhou_project, world.shunping_project
    reopen_year(suzhou, shunping)
    deadline = timezone.localdate() + dt.timedelta(days=5)
    do_issue_monitoring_task(
        [suzhou.unit, shunping.unit],
        year=2023,
        cutoff_month=7,
        deadline=deadline,
        acting_user=user("finance"),
    )
    officer = user("suzhou_officer")
    mine = list(monitoring_items(officer))
    assert mine
    subjects = {i.subject for i in mine}
    assert suzhou.name in subjects
    assert shunping.name not in subjects
    item = next(i for i in mine if i.subject == suzhou.name)
    # The demo's round has entries: it waits to be submitted, by the task's deadline.
    assert (item.step, item.deadline, item.overdue) == (Step.TO_SUBMIT, deadline, False)
    assert item.url == f"/projects/{suzhou.pk}/monitoring/7/"
    assert shunping.name in {i.subject for i in monitoring_items(user("shunping_officer"))}
    # Past the deadline the item is overdue and sorts before the others.
    MonitoringTask.objects.unrestricted().update(deadline=timezone.localdate() - dt.timedelta(days=3))
    late = next(i for i in monitoring_items(officer) if i.subject == suzhou.name)
    assert late.overdue_days() == 3
    assert items_for(officer)[0].overdue
    # A reviewer has no rounds to fill.
    assert not [i for i in monitoring_items(user("suzhou_reviewer")) if i.step is not Step.TO_REVIEW]
    # A locked round waits for nobody: it leaves the inbox until an exception opens it again.
    do_lock_period(suzhou, Period.month(7), acting_user=user("finance"), reason="已报送")
    assert suzhou.name not in {i.subject for i in monitoring_items(officer)}
    do_grant_lock_exception(
        suzhou.unit,
        Period.month(7),
        timezone.now() + dt.timedelta(days=1),
        acting_user=user("finance"),
        reason="补报",
    )
    assert suzhou.name in {i.subject for i in monitoring_items(officer)}


def test_submitted_and_returned_rounds_reach_the_reviewer_and_the_unit(world: World) -> None:
    suzhou = world.suzhou_project
    with override_settings(JIXIAO_STRICT_SCOPES=False):
        round_ = MonitoringRound.objects.unrestricted().get(project=suzhou, cutoff_month=7)
    MonitoringRound.objects.unrestricted().filter(pk=round_.pk).update(status="submitted")
    review = [i for i in monitoring_items(user("suzhou_reviewer")) if i.subject == suzhou.name]
    assert [i.step for i in review] == [Step.TO_REVIEW]
    assert not [i for i in monitoring_items(user("shunping_reviewer")) if i.subject == suzhou.name]
    do_return_monitoring_round(round_, acting_user=user("suzhou_reviewer"), reason="请补充纠偏措施")
    returned = [i for i in monitoring_items(user("suzhou_officer")) if i.subject == suzhou.name]
    assert [(i.step, i.reason) for i in returned] == [(Step.RETURNED, "请补充纠偏措施")]


def test_evaluations_and_rectification_items_wait_for_the_right_people(world: World) -> None:
    suzhou = world.suzhou_project
    reopen_year(suzhou)
    do_update_evaluation(suzhou, conclusion="总体完成年度目标", acting_user=SYSTEM)
    reviewer, officer = user("suzhou_reviewer"), user("suzhou_officer")
    assert suzhou.name in {i.subject for i in evaluation_items(reviewer)}
    assert not list(evaluation_items(officer))
    assert suzhou.name not in {i.subject for i in evaluation_items(user("shunping_reviewer"))}
    deadline = timezone.localdate() + dt.timedelta(days=10)
    item = do_open_rectification(
        suzhou, problem="目标值偏低", requirement="重新测算", deadline=deadline, acting_user=reviewer
    )
    todo = list(rectification_items(officer))
    assert [(i.step, i.deadline) for i in todo] == [(Step.TO_FILL, deadline)]
    assert not list(rectification_items(user("shunping_officer")))
    assert not [i for i in rectification_items(reviewer) if i.step is Step.TO_REVIEW]
    do_answer_rectification(item, answer="已重新测算", acting_user=officer)
    assert [i.step for i in rectification_items(reviewer)] == [Step.TO_REVIEW]
    assert not list(rectification_items(officer))
