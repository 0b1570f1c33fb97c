"""Registering, logging in and out, and the home page."""

from django.urls import reverse

from experiments.models import PUBLIC_GROUP_NAME, User
from tests.factories import PASSWORD, ExperimentFactory, UserFactory


def register(client, **changes):
    data = {
        "username": "ada",
        "email": "ada@example.org",
        "password1": "analytical-engine",
        "password2": "analytical-engine",
        **changes,
    }
    return client.post(reverse("register"), data)


def test_registering_logs_in_and_joins_public_with_read_and_write(client, db):
    response = register(client)

    assert response["Location"] == reverse("home")
    user = User.objects.get(username="ada")
    membership = user.memberships.get(group__name=PUBLIC_GROUP_NAME)
    assert (membership.read, membership.write) == (True, True)
    home = client.get(reverse("home")).content.decode()
    assert "Welcome, ada" in home
    assert PUBLIC_GROUP_NAME in home


def test_registration_errors_are_shown_in_the_form(client, db):
    UserFactory(username="taken", email="taken@example.org")

    differ = register(client, password2="something-else").content.decode()
    taken = register(client, username="taken").content.decode()
    email = register(client, email="taken@example.org").content.decode()
    short = register(client, password1="short", password2="short").content.decode()

    assert "The two passwords differ." in differ
    assert "The user name &#x27;taken&#x27; is already taken." in taken
    assert "The email &#x27;taken@example.org&#x27; is already registered." in email
    assert "This password is too short." in short
    assert User.objects.filter(username="ada").count() == 0


def test_login_page_logs_in_and_goes_home(client, db):
    user = UserFactory()

    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})

    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_logout_is_a_post_and_returns_to_login(writer_client):
    response = writer_client.post(reverse("logout"))

    assert response["Location"] == reverse("login")
    assert writer_client.get(reverse("home")).status_code == 302


def test_home_shows_groups_and_recent_experiments(writer_client, team):
    ExperimentFactory(group=team, name="recent-one")
    ExperimentFactory(name="someone-elses")

    page = writer_client.get(reverse("home")).content.decode()

    assert "recent-one" in page
    assert "someone-elses" not in page
    assert reverse("group_detail", args=[team.pk]) in page
    assert reverse("experiment_create") in page


def test_home_without_experiments_says_where_to_start(writer_client, team):
    page = writer_client.get(reverse("home")).content.decode()

    assert "No experiments yet." in page
    assert reverse("entrypoint_create") in page
