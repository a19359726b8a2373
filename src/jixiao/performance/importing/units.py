"""Each form's unit: found by code or name, matched one character off, or created under the single root unit."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied

from jixiao.domain.forms.units import closest_unit
from jixiao.orgs.actors import Actor, actor_label
from jixiao.orgs.models import Unit
from jixiao.orgs.permissions import units_for, unrestricted_actor
from jixiao.performance.importing.rows import CHUNK, FormImportError, Plan

# --- units and permission ----------------------------------------------------------------------------------


def chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def resolve_units(plans: list[Plan], *, acting_user: Actor, reason: str) -> None:
    """Find each form's unit by its code, else by its name; create a missing one under the one root unit."""
    from jixiao.orgs.actions import do_create_unit

    codes = sorted({p.doc.project.unit_code for p in plans if p.doc.project.unit_code})
    names = sorted({p.doc.project.unit for p in plans if p.doc.project.unit})
    by_code = {u.code: u for u in Unit.objects.unrestricted().filter(code__in=codes)} if codes else {}
    by_name: dict[str, list[Unit]] = {}
    for unit in Unit.objects.unrestricted().filter(name__in=names):
        by_name.setdefault(unit.name, []).append(unit)
    created: dict[tuple[str | None, str | None], Unit] = {}
    known: dict[str, list[Unit]] | None = None  # every unit by name, read once when a name is not found

    for plan in plans:
        code, name = plan.doc.project.unit_code or None, plan.doc.project.unit or None
        if code is None and name is None:
            raise FormImportError(
                plan.where, "实施单位", "表中没有写明实施单位，请补上单位名称或在导入时选定单位"
            )
        if (code, name) in created:
            plan.unit = created[(code, name)]
            continue
        if code is not None and code in by_code:
            plan.unit = by_code[code]
            continue
        candidates = by_name.get(name or "", [])
        if code is not None:
            conflicting = [u for u in candidates if u.code is not None]
            if conflicting:
                raise FormImportError(
                    plan.where,
                    "单位编码",
                    f"单位“{name}”的编码是{conflicting[0].code}，表中写的是{code}",
                )
        if len(candidates) > 1:
            raise FormImportError(
                plan.where,
                "实施单位",
                f"有{len(candidates)}个单位都叫“{name}”，请在表中写明单位编码或在导入时选定单位",
            )
        if candidates:
            plan.unit = candidates[0]
            continue
        if name is not None and code is None:
            if known is None:
                known = {}
                for unit in Unit.objects.unrestricted():
                    known.setdefault(unit.name, []).append(unit)
            near = _close_unit(plan, name, known)
            if near is not None:
                plan.unit = near
                continue
        roots = list(Unit.objects.unrestricted().filter(parent__isnull=True)[:2])
        if len(roots) != 1:
            raise FormImportError(
                plan.where,
                "实施单位",
                f"单位“{name or code or ''}”不存在，也没有唯一的上级单位可以在其下新建它，请先由管理员建立单位",
            )
        plan.unit = do_create_unit(
            name or code or "", parent=roots[0], code=code, acting_user=acting_user, reason=reason
        )
        if known is not None:
            known.setdefault(plan.unit.name, []).append(plan.unit)
        created[(code, name)] = plan.unit


def _close_unit(plan: Plan, name: str, known: dict[str, list[Unit]]) -> Unit | None:
    """An existing unit whose name differs from the form's by a character, a 本级 suffix, spaces or
    traditional characters: matched (with a note to confirm), never created anew; several: refused."""
    match = closest_unit(name, list(known))
    if match.candidates:
        raise FormImportError(
            plan.where,
            "实施单位",
            f"单位“{name}”与多个已有单位相近（{'、'.join(match.candidates)}），请在表中写明单位全称或单位编码",
        )
    if match.match is None:
        return None
    found = known.get(match.match, [])
    if len(found) != 1:
        return None
    plan.unit_match = f"{plan.where}：单位“{name}”按已有单位“{match.match}”导入（{match.reason}），请确认"
    return found[0]


def check_may_change(plans: list[Plan], acting_user: Actor) -> None:
    """The person needs ``change`` on the form's unit, and on the unit a matched project is in now."""
    if unrestricted_actor(acting_user):
        return  # the system (a management command) or a superuser
    allowed = set(units_for(acting_user, "change").values_list("pk", flat=True))
    for plan in plans:
        assert plan.unit is not None
        targets = [plan.unit, *([plan.existing.unit] if plan.existing is not None else [])]
        for target in targets:
            if target.pk not in allowed:
                raise PermissionDenied(
                    f"{plan.where}：{actor_label(acting_user)} 无权修改单位“{target}”的项目"
                )
