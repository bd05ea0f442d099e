"""Who is calling, as far as a caller without an account can be told apart."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode

from gridgov.public.actions import rate_take


def client_ip(request: HttpRequest) -> str:
    """The caller's address, behind as many proxies as GRIDGOV_PROXY_COUNT says."""
    proxies = int(getattr(settings, "PROXY_COUNT", 0))
    header = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    forwarded = [a.strip() for a in header.split(",")]
    if proxies and len(forwarded) >= proxies and forwarded[-proxies]:
        return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR") or "")


def hashed(value: str) -> str:
    """A bucket name that counts an address without keeping it."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()[:32]


def secret_link(request: HttpRequest, number: str, secret: str) -> str:
    """The address that brings the reporter back to their report with its powers."""
    path = reverse("residents:status_of", args=[number])
    return request.build_absolute_uri(f"{path}?{urlencode({'k': secret})}")


def limit(request: HttpRequest, kind: str, setting: str, default: int) -> None:
    """Count the caller's request of this kind against the hourly limit the setting names."""
    rate_take(
        bucket=f"{kind}:{hashed(client_ip(request))}",
        limit=int(getattr(settings, setting, default)),
        seconds=3600,
    )
