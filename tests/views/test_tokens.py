"""The "Your account" page: personal API tokens created (secret shown once) and revoked."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from experiments.models import ApiToken
from tests.conftest import logged_in

ACCOUNT = reverse("account_detail")
CREATE = reverse("api_token_create")


def revoke_url(token) -> str:
    return reverse("api_token_revoke", args=[token.pk])


def shown_secret(html: str) -> str | None:
    found = re.search(r'id="new-token" value="([^"]+)"', html)
    return found.group(1) if found else None


def api_works(secret: str) -> bool:
    response = Client().get("/api/v1/users/current", HTTP_AUTHORIZATION=f"Token {secret}")
    return response.status_code == 200


def test_navbar_links_the_user_name_to_the_account_page(writer):
    home = logged_in(writer).get(reverse("home")).content.decode()

    assert f'href="{ACCOUNT}"' in home


def test_account_page_needs_a_login(client, db):
    response = client.get(ACCOUNT)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_account_page_shows_profile_and_tokens(writer, team):
    ApiToken.objects.issue(user=writer, name="nightly CI")

    page = logged_in(writer).get(ACCOUNT).content.decode()

    assert writer.email in page
    assert f"/groups/{team.pk}/" in page
    assert "nightly CI" in page
    assert ApiToken.objects.get().prefix in page
    assert 'href="/api/v1/docs"' in page


def test_create_token_shows_the_secret_once(writer):
    client = logged_in(writer)

    response = client.post(CREATE, {"name": "nightly CI"})

    assert response.status_code == 302
    assert response["Location"] == ACCOUNT
    first = client.get(ACCOUNT).content.decode()
    secret = shown_secret(first)
    assert secret and api_works(secret)
    assert "it is not shown again" in first
    again = client.get(ACCOUNT).content.decode()
    assert shown_secret(again) is None
    assert secret not in again
    assert "nightly CI" in again


def test_create_token_with_htmx_swaps_the_tokens_card(writer, htmx_headers):
    response = logged_in(writer).post(CREATE, {"name": "notebook"}, **htmx_headers)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<div class="card shadow-sm" id="api-tokens">')
    assert api_works(shown_secret(html))


@pytest.mark.parametrize("name", ["", "x" * 101])
def test_invalid_token_name_is_a_form_error(writer, name, htmx_headers):
    client = logged_in(writer)

    page = client.post(CREATE, {"name": name})
    fragment = client.post(CREATE, {"name": name}, **htmx_headers)

    assert page.status_code == 200
    assert "is-invalid" in page.content.decode()
    assert fragment.status_code == 200
    assert "is-invalid" in fragment.content.decode()
    assert not ApiToken.objects.exists()


def test_revoke_a_token(writer):
    token, secret = ApiToken.objects.issue(user=writer, name="old laptop")
    client = logged_in(writer)

    response = client.post(revoke_url(token))

    assert response["Location"] == ACCOUNT
    assert not api_works(secret)
    page = client.get(ACCOUNT).content.decode()
    assert "The token &#x27;old laptop&#x27; was revoked" in page
    assert f'action="{revoke_url(token)}"' not in page  # nothing left to revoke
    assert "revoked" in page


def test_revoke_with_htmx_answers_the_card(writer, htmx_headers):
    token, secret = ApiToken.objects.issue(user=writer, name="old laptop")

    response = logged_in(writer).post(revoke_url(token), **htmx_headers)

    assert response.status_code == 200
    assert 'id="api-tokens"' in response.content.decode()
    assert not api_works(secret)


def test_others_tokens_cannot_be_revoked_or_seen(writer, reader):
    token, secret = ApiToken.objects.issue(user=reader, name="readers-token")
    client = logged_in(writer)

    assert client.post(revoke_url(token)).status_code == 404
    assert client.get(revoke_url(token)).status_code == 405
    assert "readers-token" not in client.get(ACCOUNT).content.decode()
    assert api_works(secret)


@pytest.mark.parametrize("count", [1, 10])
def test_account_page_query_count_does_not_grow(writer, count, django_assert_num_queries):
    for number in range(count):
        ApiToken.objects.issue(user=writer, name=f"token {number}")
    client = logged_in(writer)

    # user, tokens, groups
    with django_assert_num_queries(3):
        response = client.get(ACCOUNT)
    assert response.content.decode().count('<tr id="token-') == count
