"""The plugin file editor and the entrypoint form in a real browser: "Detect
tasks" fills the task rows from the code, and the task graph is checked as
it is typed. Screenshots go to $SCREENSHOT_DIR when it is set."""

import os
from pathlib import Path

import pytest

from tests.browser.test_experiment_form import CHROMIUM, CHROMIUM_ARGS
from tests.factories import PASSWORD, GroupFactory, MembershipFactory, PluginFactory
from tests.views.plugin_helpers import trainer_plugin

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"
    ),
]

CODE = """from dioptra import pyplugs


@pyplugs.register
def load_dataset(path: str, batch_size: int = 32) -> object:
    return path


@pyplugs.register
def fgsm(data: object, epsilon: float) -> np.ndarray:
    return data
"""


@pytest.fixture
def setup(transactional_db):
    """A writer of `team` with an empty plugin `attacks` and the plugin `trainer`
    (made before Playwright starts; see test_experiment_form)."""
    team = GroupFactory(name="team")
    writer = MembershipFactory(group=team, read=True, write=True).user
    return {
        "writer": writer,
        "attacks": PluginFactory(group=team, name="attacks", creator=writer),
        "trainer": trainer_plugin(writer, team),
    }


@pytest.fixture
def page(live_server, setup):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(10_000)
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", setup["writer"].username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        yield page
        browser.close()


def screenshot(page, name: str) -> None:
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def test_detect_tasks_fills_the_rows_from_the_code(live_server, setup, page):
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/plugins/{setup['attacks'].pk}/files/new/")
    page.fill("#id_filename", "attacks.py")
    page.fill("#id_contents", CODE)
    expect(page.locator(".code-gutter")).to_contain_text("11")
    page.get_by_role("button", name="Detect tasks").click()

    rows = page.locator("#task-rows")
    expect(rows).to_contain_text("Found 2 tasks in the code.")
    expect(page.locator('input[name="tasks-1-name"]')).to_have_value("fgsm")
    expect(page.locator('input[name="tasks-0-in-1-name"]')).to_have_value("batch_size")
    expect(page.locator("#missing-types")).to_contain_text("np_ndarray")
    page.get_by_role("button", name="Function task").click()
    expect(page.locator('input[name="tasks-2-name"]')).to_be_focused()
    page.locator("[data-task]").nth(2).get_by_role("button", name="input").click()
    expect(page.locator('input[name="tasks-2-in-0-name"]')).to_be_visible()
    screenshot(page, "plugin_file_editor.png")

    page.fill("#id_contents", "def broken(:\n    pass\n")
    page.get_by_role("button", name="Detect tasks").click()
    expect(rows).to_contain_text("Invalid Python code on line 1")
    expect(page.locator(".code-gutter .error-line")).to_have_text("1")


def test_the_entrypoint_form_checks_the_graph_as_it_is_typed(live_server, setup, page):
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/entrypoints/new/")
    page.select_option("#id_group", label="team")
    page.fill("#id_name", "train")
    page.select_option("#id_plugins", str(setup["trainer"].pk))
    page.fill('input[name="parameters-0-name"]', "epochs")
    page.select_option('select[name="parameters-0-parameter_type"]', "integer")
    page.fill('input[name="parameters-0-default_value"]', "3")
    graph = page.locator("#id_task_graph")
    graph.click()
    graph.press_sequentially("train:\n  train_model:\n    epochs: $epochs\n", delay=5)
    issues = page.locator("#workflow-issues")
    expect(issues).to_contain_text("No problems found.")

    graph.press_sequentially("greet:\n  hello_world:\n    name: $who\n", delay=5)
    expect(issues).to_contain_text('Step "greet" (line 4): unresolvable reference: $who')
    screenshot(page, "entrypoint_form_live_validation.png")

    page.get_by_role("button", name="Create entrypoint").click()
    expect(page.locator("#id_task_graph_error")).to_contain_text('Step "greet" (line 4)')


def test_the_entrypoint_form_adds_artifact_parameters_and_their_outputs(live_server, setup, page):
    from playwright.sync_api import expect

    from experiments.models import Entrypoint

    page.goto(f"{live_server.url}/entrypoints/new/")
    page.select_option("#id_group", label="team")
    page.fill("#id_name", "retrain")
    page.select_option("#id_plugins", str(setup["trainer"].pk))
    page.fill('input[name="artifact_parameters-0-name"]', "counts")
    page.fill('input[name="artifact_parameters-0-out-0-name"]', "n")
    page.select_option('select[name="artifact_parameters-0-out-0-type"]', label="integer (builtin)")

    page.get_by_role("button", name="Add artifact parameter").click()
    expect(page.locator('input[name="artifact_parameters-1-name"]')).to_be_focused()
    page.keyboard.type("model")
    page.fill('input[name="artifact_parameters-1-out-0-name"]', "weights")
    model = page.locator("#artifact_parameters-rows > [data-formset-row]").nth(1)
    model.get_by_role("button", name="output", exact=True).click()
    expect(page.locator('input[name="artifact_parameters-1-out-1-name"]')).to_be_focused()
    page.keyboard.type("labels")
    page.select_option('select[name="artifact_parameters-1-out-1-type"]', label="any (builtin)")
    model.get_by_role("button", name="Remove output", exact=True).first.click()
    expect(page.locator('input[name="artifact_parameters-1-out-0-name"]')).to_have_count(0)

    graph = page.locator("#id_task_graph")
    graph.click()
    graph.press_sequentially("train:\n  train_model:\n    epochs: $counts\n", delay=5)
    expect(page.locator("#workflow-issues")).to_contain_text("No problems found.")
    screenshot(page, "entrypoint_form_artifact_parameters.png")

    page.get_by_role("button", name="Create entrypoint").click()
    expect(page.locator("#artifact-parameters")).to_contain_text("labels: any")
    entrypoint = Entrypoint.objects.get(name="retrain")
    assert [
        (p.name, [(o.name, o.parameter_type.name) for o in p.outputs.all()])
        for p in entrypoint.artifact_parameters.all()
    ] == [("counts", [("n", "integer")]), ("model", [("labels", "any")])]


def test_the_entrypoint_form_saves_a_draft_and_continues_it(live_server, setup, page):
    from playwright.sync_api import expect

    from experiments.models import Draft, Entrypoint

    page.goto(f"{live_server.url}/entrypoints/new/")
    page.select_option("#id_group", label="team")
    page.select_option("#id_plugins", str(setup["trainer"].pk))
    page.fill('input[name="parameters-0-name"]', "epochs")
    page.select_option('select[name="parameters-0-parameter_type"]', "integer")
    page.fill('input[name="artifact_parameters-0-name"]', "counts")
    page.fill('input[name="artifact_parameters-0-out-0-name"]', "n")
    page.select_option('select[name="artifact_parameters-0-out-0-type"]', label="integer (builtin)")
    graph = page.locator("#id_task_graph")
    graph.click()
    graph.press_sequentially("train:\n  train_model:\n    epochs: $epochs\n", delay=5)
    expect(page.locator("#workflow-issues")).to_contain_text("No problems found.")

    # Unnamed yet: the browser's required check does not stop a draft.
    page.get_by_role("button", name="Save as draft").click()
    drafts = page.locator("#drafts-card")
    expect(drafts).to_contain_text("(unnamed)")
    drafts.get_by_role("link", name="Continue").click()
    expect(page.locator("#draft-notice")).to_contain_text("You are continuing your draft")
    expect(page.locator('input[name="parameters-0-name"]')).to_have_value("epochs")
    expect(
        page.locator('select[name="artifact_parameters-0-out-0-type"] option:checked')
    ).to_have_text("integer (builtin)")
    page.fill("#id_name", "train")
    graph.press_sequentially("greet:\n  hello_world:\n    name: $who\n", delay=5)
    expect(page.locator("#workflow-issues")).to_contain_text("unresolvable reference: $who")
    screenshot(page, "entrypoint_form_continued_draft.png")

    graph.fill("train:\n  train_model:\n    epochs: $epochs\n")
    page.get_by_role("button", name="Create entrypoint").click()
    expect(page.locator("h1")).to_have_text("train")
    assert Entrypoint.objects.filter(name="train").exists()
    assert not Draft.objects.exists()
