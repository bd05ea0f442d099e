"""The account's own pages: the password (also the step after a reset) and the second factor."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from gridgov.accounts import actions, otp
from gridgov.accounts.forms import OtpForm, PasswordChangeForm
from gridgov.accounts.requests import UserRequest
from gridgov.core.errors import DomainError, InvalidInput, Problem
from gridgov.core.pages import page_view


@sensitive_post_parameters()
@never_cache
@page_view
def password_change(request: UserRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                user = actions.user_password_change(
                    actor=request.user,
                    old_password=form.cleaned_data["old_password"],
                    new_password=form.cleaned_data["new_password1"],
                )
            except InvalidInput as exc:
                _problems_to_form(form, exc)
            else:
                update_session_auth_hash(request, user)
                messages.success(
                    request, _("Your password was changed; your API tokens were revoked.")
                )
                return redirect("home")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "forced": request.user.must_change_password},
        status=status,
    )


def _problems_to_form(form: forms.Form, exc: DomainError) -> None:
    for problem in exc.problems or [Problem(code=exc.code, message=exc.message)]:
        form.add_error(
            problem.field if problem.field in form.fields else None, str(problem.message)
        )


def _next_page(request: UserRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return resolve_url("home")


@sensitive_post_parameters()
@never_cache
@page_view
def otp_verify(request: UserRequest) -> HttpResponse:
    """The second step of a login: a code from the authenticator, or a backup code."""
    if not otp.enrolled(request.user):
        return redirect("accounts:otp_enrol")
    form = OtpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                device = actions.otp_verify(actor=request.user, token=form.cleaned_data["token"])
            except InvalidInput as exc:
                _problems_to_form(form, exc)
            else:
                otp_login(request, device)
                return redirect(_next_page(request))
    return render(
        request,
        "accounts/otp_verify.html",
        {"form": form, "next": _next_page(request)},
        status=status,
    )


@sensitive_post_parameters()
@never_cache
@page_view
def otp_enrol(request: UserRequest) -> HttpResponse:
    """Enrol an authenticator: first at a login that needs one, or later (a new phone, or
    after a backup code) from a session that passed the second factor."""
    user = request.user
    if otp.enrolled(user) and not otp.verified(user):
        return redirect("accounts:otp_verify")
    device = actions.otp_device_pending(actor=user)
    form = OtpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                codes = actions.otp_enrol_confirm(
                    actor=user, device=device, token=form.cleaned_data["token"]
                )
            except InvalidInput as exc:
                _problems_to_form(form, exc)
            else:
                otp_login(request, device)
                return render(request, "accounts/otp_backup_codes.html", {"codes": codes})
    context = {
        "form": form,
        "qr": otp.qr_svg(device.config_url),
        "secret": otp.secret_text(device),
        "replacing": otp.enrolled(user),
    }
    return render(request, "accounts/otp_enrol.html", context, status=status)


@never_cache
@page_view
def otp_backup_codes(request: UserRequest) -> HttpResponse:
    """New backup codes, shown once; the old ones stop working."""
    if not otp.verified(request.user):
        return redirect("accounts:otp_verify")
    if request.method != "POST":
        return render(request, "accounts/otp_backup_codes.html", {"codes": None})
    codes = actions.otp_backup_codes_renew(actor=request.user)
    return render(request, "accounts/otp_backup_codes.html", {"codes": codes})
