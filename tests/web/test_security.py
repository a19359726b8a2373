"""Sign-in and the app's response headers: who may sign in, throttling of guesses, Argon2, cookies, CSP, and
the header grade of the project's own probe engine against the running app."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from tls_server import https_server
from web_helpers import FAST_HASHERS

from jixiao.domain.probes import Check, ProbeOptions, probe_many
from jixiao.orgs.actions import do_create_unit, do_grant_membership
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.choices import RoleChoices
from jixiao.web import throttle
from jixiao.web.models import LoginAttempt

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse 9"


@pytest.fixture
def member(settings: Any) -> User:
    settings.PASSWORD_HASHERS = FAST_HASHERS
    unit = do_create_unit("测试网信办", acting_user=SYSTEM, reason="测试")
    person = User.objects.create_user("member", "", PASSWORD, first_name="张三")
    do_grant_membership(person, unit, RoleChoices.VIEWER, acting_user=SYSTEM, reason="测试")
    return person


def sign_in(client: Client, username: str, password: str, address: str = "10.0.0.1") -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_the_sign_in_page_is_in_chinese(client: Client) -> None:
    response = client.get("/accounts/login/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-Hans">' in html
    assert "用户名" in html
    assert "密码" in html
    assert "登录" in html


def test_a_person_with_a_role_signs_in_without_a_staff_flag(client: Client, member: User) -> None:
    assert not member.is_staff

    response = sign_in(client, "member", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "张三" in client.get("/").content.decode()


def test_a_person_without_a_role_cannot_sign_in(client: Client, settings: Any) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS
    User.objects.create_user("nobody", "", PASSWORD)

    response = sign_in(client, "nobody", PASSWORD)

    assert response.status_code == 422
    assert "尚未分配角色" in response.content.decode()


def test_an_inactive_person_cannot_sign_in(client: Client, member: User) -> None:
    member.is_active = False
    member.save()

    assert sign_in(client, "member", PASSWORD).status_code == 422


def test_a_wrong_password_answers_422_with_the_form_and_is_logged(
    client: Client, member: User, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="jixiao.web.login"):
        response = sign_in(client, "member", "wrong")

    assert response.status_code == 422
    assert "用户名或密码不正确" in response.content.decode()
    assert any("sign-in failed" in r.getMessage() and "10.0.0.1" in r.getMessage() for r in caplog.records)
    assert LoginAttempt.objects.filter(username="member", succeeded=False).count() == 1


def test_after_five_failures_for_an_account_even_the_right_password_must_wait(
    client: Client, member: User
) -> None:
    for n in range(5):
        assert sign_in(client, "member", f"wrong{n}", address=f"10.0.0.{n + 1}").status_code == 422

    refused = sign_in(client, "member", PASSWORD, address="10.9.9.9")

    assert refused.status_code == 429
    assert re.search(r"登录失败次数过多，请 1[45] 秒后再试", refused.content.decode())
    assert LoginAttempt.objects.filter(throttled=True).count() == 1


def test_the_wait_ends_and_a_success_starts_the_count_again(client: Client, member: User) -> None:
    for n in range(5):
        sign_in(client, "member", f"wrong{n}")
    LoginAttempt.objects.update(at=timezone.now() - dt.timedelta(seconds=16))

    assert sign_in(client, "member", PASSWORD).status_code == 302
    client.logout()
    assert sign_in(client, "member", "wrong-again").status_code == 422  # one failure: no wait yet
    assert throttle.check("member", "10.0.0.1").wait_seconds == 0


def test_after_five_failures_from_an_address_other_accounts_wait_too(client: Client, member: User) -> None:
    for n in range(5):
        sign_in(client, f"guess{n}", "wrong", address="192.0.2.7")

    assert sign_in(client, "member", PASSWORD, address="192.0.2.7").status_code == 429
    assert sign_in(client, "member", PASSWORD, address="192.0.2.8").status_code == 302


def test_the_wait_doubles_with_each_failure_up_to_a_cap(settings: Any) -> None:
    settings.LOGIN_DELAY_SECONDS = 15
    waits = [throttle.delay_after(n).total_seconds() for n in range(4, 12)]

    assert waits == [0, 15, 30, 60, 120, 240, 480, 900]
    assert throttle.delay_after(40).total_seconds() == 900


def test_passwords_are_hashed_with_argon2(settings: Any) -> None:
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    person = User.objects.create_user("hashed", "", PASSWORD)

    assert person.password.startswith("argon2$argon2id$")
    assert person.check_password(PASSWORD)


def test_session_cookies_are_httponly_and_samesite_and_secure_over_https(member: User) -> None:
    plain = Client()
    sign_in(plain, "member", PASSWORD)
    cookie = plain.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert not cookie["secure"]

    secure = Client()
    response = secure.post(
        "/accounts/login/", {"username": "member", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1", secure=True
    )
    assert response.status_code == 302
    assert secure.cookies["sessionid"]["secure"]
    assert secure.cookies["csrftoken"]["secure"]


def test_pages_send_a_strict_policy_and_hsts_only_over_https(client: Client, member: User) -> None:
    client.force_login(member)

    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response

    over_https = client.get("/", secure=True)
    assert over_https["Strict-Transport-Security"].startswith("max-age=31536000")


def test_plain_http_is_redirected_to_https_when_the_site_is_served_over_https(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True

    response = Client().get("/accounts/login/")

    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def _grade(url: str, ca_file: Path | None = None) -> Any:
    options = ProbeOptions(
        checks=frozenset({Check.AVAILABILITY, Check.HEADERS}),
        ca_file=str(ca_file) if ca_file else None,
        check_http_redirect=False,
    )
    [result] = asyncio.run(probe_many([url], options=options))
    assert result.headers is not None, result
    return result.headers


@pytest.mark.django_db(transaction=True)
def test_the_probe_grades_the_app_a_plus_over_https(tmp_path: Path) -> None:
    with https_server(tmp_path) as (base, ca_file):
        grade = _grade(f"{base}/accounts/login/", ca_file)

    failed = [(t.name, t.result) for t in grade.tests if not t.passed]
    assert failed == []
    assert grade.grade == "A+", grade
    outcomes = {t.name: t.result for t in grade.tests}
    assert outcomes["content-security-policy"] == "csp-implemented-with-no-unsafe-default-src-none"
    assert outcomes["strict-transport-security"] == "hsts-implemented-max-age-at-least-six-months"
    assert outcomes["x-frame-options"] == "x-frame-options-implemented-via-csp"
    assert outcomes["cookies"] == "cookies-secure-with-httponly-sessions-and-samesite"


@pytest.mark.django_db(transaction=True)
def test_over_plain_http_only_the_https_rules_fail(live_server: Any) -> None:
    grade = _grade(f"{live_server.url}/accounts/login/")

    # What plain http cannot have: HSTS, Secure cookies and a redirect to https. Everything else passes.
    failed = {t.result for t in grade.tests if not t.passed}
    assert failed == {"hsts-not-implemented-no-https", "cookies-without-secure-flag", "redirection-missing"}
