"""The htmx experiment form in a real browser: log in, see an inline error for
a taken name, and see the new experiment appear in the list without the page
reloading."""

import os
from pathlib import Path

import pytest

from tests.factories import PASSWORD, ExperimentFactory, GroupFactory, MembershipFactory

# Playwright's sync API runs an event loop in this thread, which makes Django
# refuse synchronous ORM calls here; those of this module are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"
    ),
]


@pytest.fixture
def writer(transactional_db):
    """A writer of `team`, where an experiment named `existing` exists.

    Made before Playwright starts: once its event loop runs, the ORM would use
    another connection that outlives the test and blocks dropping the test database.
    """
    team = GroupFactory(name="team")
    ExperimentFactory(group=team, name="existing")
    return MembershipFactory(group=team, read=True, write=True).user


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_default_timeout(10_000)
        yield page
        browser.close()


def test_create_an_experiment_through_the_htmx_form(writer, live_server, browser_page):
    from playwright.sync_api import expect

    page = browser_page

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", writer.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_role("heading", name=f"Welcome, {writer.username}")).to_be_visible()

    page.goto(f"{live_server.url}/experiments/")
    page.get_by_role("button", name="New experiment").click()
    form = page.locator("#experiment-form")
    expect(form.locator("#id_name")).to_be_visible()
    page.evaluate("window.__marker = 1")  # gone if the page reloads
    # htmx binds a swapped-in form when the swap settles; a person never
    # submits again within those milliseconds, a test must wait for it.
    page.evaluate(
        "window.__settled = 0;"
        "document.body.addEventListener('htmx:afterSettle', () => window.__settled++)"
    )

    form.locator("#id_name").fill("existing")
    form.get_by_role("button", name="Create experiment").click()
    expect(form.locator(".invalid-feedback")).to_contain_text(
        "The experiment name 'existing' is already taken in this group."
    )
    page.wait_for_function("window.__settled >= 1")

    form.locator("#id_name").fill("adversarial-patches")
    form.get_by_role("button", name="Create experiment").click()
    expect(form.get_by_role("status")).to_contain_text("Experiment adversarial-patches created.")
    table = page.locator("#experiment-table")
    expect(table.get_by_role("link", name="adversarial-patches")).to_be_visible()
    expect(table).to_contain_text("1–2 of 2 experiments")
    assert page.evaluate("window.__marker") == 1
    assert page.url == f"{live_server.url}/experiments/"
