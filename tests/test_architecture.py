"""The layout rules a newcomer relies on (docs/architecture.md), checked on the source itself."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "jixiao"
FORBIDDEN_IN_DOMAIN = ("django", "jixiao.orgs", "jixiao.audit", "jixiao.performance", "jixiao.security")


def imports_of(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


@pytest.mark.parametrize(
    "path", sorted((SRC / "domain").rglob("*.py")), ids=lambda p: str(p.relative_to(SRC))
)
def test_the_domain_core_imports_neither_django_nor_the_apps(path: Path) -> None:
    bad = [
        f"{path.relative_to(SRC)}:{line} imports {name}"
        for line, name in imports_of(path)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN_IN_DOMAIN)
    ]
    assert bad == []


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("import os\nfrom django.db import models\nfrom jixiao.security.models import Asset\n")
    assert [name for _, name in imports_of(module)] == ["os", "django.db", "jixiao.security.models"]
