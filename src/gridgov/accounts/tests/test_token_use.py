"""A token's last use is stamped to the minute: a client calling many times a second writes
the row once a minute, not once a request."""

from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gridgov.accounts.actions import api_token_create
from gridgov.accounts.models import ApiToken

ME = "/api/v1/accounts/me"


def _stamps(client: Client) -> int:
    with CaptureQueriesContext(connection) as ran:
        assert client.get(ME).status_code == 200
    return sum(q["sql"].startswith('UPDATE "accounts_apitoken"') for q in ran.captured_queries)


def test_last_use_is_stamped_once_a_minute(users):
    token, key = api_token_create(actor=users["analyst"], name="robot")
    bearer = Client(headers={"Authorization": f"Bearer {key}"})
    assert _stamps(bearer) == 1
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    assert [_stamps(bearer) for _ in range(3)] == [0, 0, 0]
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first

    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(seconds=61))
    assert _stamps(bearer) == 1
    again = ApiToken.objects.get(pk=token.pk).last_used_at
    assert again is not None
    assert again > first
