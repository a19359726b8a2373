"""The sign-in form, throttled: too many failures for an account or from an address make the next attempt wait."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from jixiao.web import throttle


class SignInForm(AuthenticationForm):
    messages: ClassVar[dict[str, Any]] = {
        "invalid_login": _("用户名或密码不正确，或该账号尚未分配角色。"),
        "inactive": _("该账号已停用。"),
        "throttled": _("登录失败次数过多，请 %(seconds)d 秒后再试。"),
    }

    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    throttled = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.error_messages = {**self.error_messages, **self.messages}

    def clean(self) -> dict[str, Any]:
        username = (self.cleaned_data.get("username") or "").strip()
        address = throttle.client_address(self.request) if self.request is not None else "0.0.0.0"
        if username and self.cleaned_data.get("password") is not None:
            verdict = throttle.check(username, address)
            if verdict.wait_seconds > 0:
                self.throttled = True
                throttle.record(username, address, succeeded=False, throttled=True)
                raise forms.ValidationError(
                    self.error_messages["throttled"],
                    code="throttled",
                    params={"seconds": verdict.wait_seconds},
                )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                throttle.record(username, address, succeeded=False)
            raise
        throttle.record(username, address, succeeded=True)
        return cleaned
