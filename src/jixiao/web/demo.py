"""Demo units and people for ``load_demo``: 宿州市财政局 → 宿州市委网信办 and 顺平县财政局 → 顺平县委网信办 under
the demo's finance bureau, and one person per role and unit, all with one password (printed).

Idempotent and respectful of changes: a unit or person that exists is reused as it is (no password reset, no
role given back after it was taken away); an office the seed import created is moved under its bureau only
when that bureau is created in the same run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.db import transaction

from jixiao.orgs.actions import do_create_unit, do_grant_membership, do_move_unit
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.choices import RoleChoices, UnitKindChoices
from jixiao.orgs.models import Unit

PASSWORD_ENV = "JIXIAO_DEMO_PASSWORD"
DEFAULT_PASSWORD = "jixiao-demo"
ROOT_NAME = "财政局"  # the root unit load_demo creates
REASON = "演示用户（load_demo）"


@dataclass(frozen=True)
class DemoOffice:
    key: str
    bureau: str
    office: str  # the name the seed forms give (实施单位), as the reader normalises it
    short: str  # what people call it
    code: str | None = None  # the unit code the seed forms give


OFFICES = (
    DemoOffice("suzhou", "宿州市财政局", "中共宿州市委网络安全和信息化委员会办公室", "宿州市委网信办"),
    DemoOffice(
        "shunping",
        "顺平县财政局",
        "中共顺平县委网络安全和信息化委员会办公室(本级)",
        "顺平县委网信办",
        "224001",
    ),
)


def _role(name: str, fallback: RoleChoices) -> str:
    """A role of ``RoleChoices`` by name, or ``fallback`` while that role does not exist yet."""
    return str(getattr(RoleChoices, name, fallback))


@dataclass(frozen=True)
class DemoUser:
    username: str
    name: str
    unit: str  # "root", "<key>.bureau" or "<key>.office"
    role: str


def demo_users() -> tuple[DemoUser, ...]:
    officer = _role("EDITOR", RoleChoices.EDITOR)
    head = _role("HEAD", RoleChoices.EDITOR)
    reviewer = _role("REVIEWER", RoleChoices.REVIEWER)
    return (
        DemoUser("suzhou_officer", "王敏", "suzhou.office", officer),
        DemoUser("suzhou_head", "李强", "suzhou.office", head),
        DemoUser("suzhou_reviewer", "陈静", "suzhou.bureau", reviewer),
        DemoUser("shunping_officer", "赵磊", "shunping.office", officer),
        DemoUser("shunping_head", "刘洋", "shunping.office", head),
        DemoUser("shunping_reviewer", "孙丽", "shunping.bureau", reviewer),
        DemoUser("finance", "周华", "root", _role("FINANCE", RoleChoices.VIEWER)),
        DemoUser("auditor", "吴刚", "root", _role("AUDITOR", RoleChoices.VIEWER)),
    )


def demo_password() -> str:
    return os.environ.get(PASSWORD_ENV) or DEFAULT_PASSWORD


def _root() -> Unit:
    root = Unit.objects.roots().filter(name=ROOT_NAME).first()
    if root is None:
        root = do_create_unit(
            ROOT_NAME, kind=UnitKindChoices.FINANCE_BUREAU, acting_user=SYSTEM, reason=REASON
        )
    return root


def _office_tree(root: Unit, office: DemoOffice, out: TextIO) -> dict[str, Unit]:
    bureau = Unit.objects.filter(name=office.bureau).first()
    created_bureau = bureau is None
    if bureau is None:
        bureau = do_create_unit(
            office.bureau, parent=root, kind=UnitKindChoices.FINANCE_BUREAU, acting_user=SYSTEM, reason=REASON
        )
        out.write(f"created unit {bureau.name}\n")
    unit = (
        (Unit.objects.filter(code=office.code).first() if office.code else None)
        or Unit.objects.filter(name=office.office).first()
        or Unit.objects.filter(name=office.short).first()
    )
    if unit is None:
        unit = do_create_unit(
            office.office, parent=bureau, code=office.code, acting_user=SYSTEM, reason=REASON
        )
        out.write(f"created unit {unit.name}\n")
    elif created_bureau and unit.parent_id == root.pk:
        unit = do_move_unit(unit, new_parent=bureau, acting_user=SYSTEM, reason=REASON)
        out.write(f"moved unit {unit.name} under {bureau.name}\n")
    return {f"{office.key}.bureau": bureau, f"{office.key}.office": unit}


@transaction.atomic
def load_demo_users(out: TextIO) -> dict[str, Any]:
    """Create the demo unit tree and people (see the module docstring); prints the password first."""
    password = demo_password()
    source = (
        f"from {PASSWORD_ENV}"
        if os.environ.get(PASSWORD_ENV)
        else f"'{DEFAULT_PASSWORD}' (set {PASSWORD_ENV} to choose)"
    )
    out.write(f"demo users: password {source}\n")
    root = _root()
    units: dict[str, Unit] = {"root": root}
    for office in OFFICES:
        units.update(_office_tree(root, office, out))
    User = get_user_model()
    created: list[str] = []
    for person in demo_users():
        if User.objects.filter(username=person.username).exists():
            continue
        user = User.objects.create_user(person.username, "", password, first_name=person.name)
        do_grant_membership(user, units[person.unit], person.role, acting_user=SYSTEM, reason=REASON)
        created.append(person.username)
    if not User.objects.filter(username="admin").exists():
        admin_password = os.environ.get("JIXIAO_ADMIN_PASSWORD") or password
        User.objects.create_superuser("admin", "", admin_password, first_name="系统管理员")
        created.append("admin")
    names = ", ".join(p.username for p in demo_users()) + ", admin"
    out.write(f"demo users: {names} ({len(created)} created now; existing ones left as they are)\n")
    return {"units": units, "created": created}
