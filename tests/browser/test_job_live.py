"""Jobs in a real browser: the run-a-job form swaps in an entrypoint's
parameters, a submitted job appears in the table without a reload, the table
follows the job until it ends, and the job page draws its metric charts."""

import os

import pytest

from experiments import accounts, definitions
from experiments.jobs import record_metric
from tests.browser.test_experiment_form import CHROMIUM, CHROMIUM_ARGS
from tests.factories import PASSWORD, GroupFactory, MembershipFactory
from tests.jobs.conftest import make_workflow

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"
    ),
]


@pytest.fixture
def setup(transactional_db):
    """Everything the test reads, made before Playwright starts (see test_experiment_form)."""
    team = GroupFactory(name="team")
    writer = MembershipFactory(group=team, read=True, write=True).user
    accounts.ensure_public_group(creator=writer)
    hello = make_workflow(
        writer,
        team,
        name="hello",
        parameters=[
            definitions.ParameterSpec("name", "string", "world"),
            definitions.ParameterSpec("rate", "float", None),
        ],
    )
    other = make_workflow(
        writer,
        team,
        name="other",
        parameters=[
            definitions.ParameterSpec("name", "string", "world"),
            definitions.ParameterSpec("seed", "integer", "7"),
        ],
    )
    hello.experiment.entrypoints.add(other.entrypoint)
    measured = hello.submit(writer, values={"rate": "0.1"})
    for step, loss in enumerate([0.9, 0.6, 0.4]):
        record_metric(job=measured, name="loss", value=loss, step=step)
    return writer, hello, measured


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_default_timeout(10_000)
        yield page
        browser.close()


def test_run_a_job_and_follow_it(setup, live_server, browser_page):
    from playwright.sync_api import expect

    writer, hello, measured = setup
    page = browser_page
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", writer.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")

    page.goto(f"{live_server.url}/experiments/{hello.experiment.pk}/")
    page.evaluate("window.__marker = 1")  # gone if the page reloads
    form = page.locator("#job-form")
    # htmx binds a swapped-in form's select when the swap settles; a person
    # never picks again within those milliseconds, a test must wait for it.
    page.evaluate(
        "window.__settled = 0;"
        "document.body.addEventListener('htmx:afterSettle', () => window.__settled++)"
    )
    form.locator("select[name=entrypoint]").select_option(label="other")
    expect(form).to_contain_text("Parameters of other")
    page.wait_for_function("window.__settled >= 1")
    expect(form.locator("input[name=value_1]")).to_have_value("7")
    form.locator("select[name=entrypoint]").select_option(label="hello")
    expect(form).to_contain_text("Parameters of hello")

    form.locator("input[name=value_1]").fill("0.5")
    form.locator("input[name=timeout]").fill("soon")
    form.get_by_role("button", name="Run job").click()
    expect(form.locator(".invalid-feedback")).to_contain_text("Invalid timeout 'soon'")
    form.locator("input[name=timeout]").fill("30m")
    form.get_by_role("button", name="Run job").click()
    expect(form.get_by_role("status")).to_contain_text("is queued on")
    job_id = int(form.get_by_role("status").locator("a").inner_text().lstrip("#"))
    table = page.locator("#job-table")
    expect(table.get_by_role("link", name=f"#{job_id}")).to_be_visible()
    assert page.evaluate("window.__marker") == 1

    # The worker's side of the story, through the API with the browser's session.
    status_url = f"{live_server.url}/api/v1/experiments/{hello.experiment.pk}/jobs/{job_id}/status"
    for status in ("started", "finished"):
        page.request.put(status_url, data={"status": status})
    page.request.post(f"{live_server.url}/api/v1/jobs/{measured.pk}/cancel")
    expect(table.locator("tr", has_text=f"#{job_id}")).to_contain_text("Finished")
    expect(table.locator("[data-polling]")).to_have_count(0)  # every job has ended

    page.goto(f"{live_server.url}/jobs/{measured.pk}/")
    expect(page.locator("#job-metrics")).to_contain_text("loss")
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.querySelector('canvas.metric-chart'))"
    )
    points = page.evaluate(
        "Chart.getChart(document.querySelector('canvas.metric-chart')).data.datasets[0].data"
    )
    assert points == [{"x": 0, "y": 0.9}, {"x": 1, "y": 0.6}, {"x": 2, "y": 0.4}]
