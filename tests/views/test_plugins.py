"""Plugin pages: the list, plugin and file forms with their inline errors,
task registration rows, "Detect tasks", and the snapshot history."""

import pytest
from django.urls import reverse

from experiments import definitions
from experiments.models import Plugin, PluginFile
from tests.factories import PluginFactory, PluginParameterTypeFactory
from tests.views.plugin_helpers import TRAINER_CODE, builtin_types, trainer_plugin

LIST_URL = reverse("plugin_list")
CREATE_URL = reverse("plugin_create")


def file_url(action, plugin, file=None):
    return reverse(f"plugin_file_{action}", args=[plugin.pk] + ([file.pk] if file else []))


def file_data(filename="tasks.py", contents=TRAINER_CODE, tasks=(), **extra):
    """Form data of the file editor; tasks are (name, kind, inputs, outputs) with
    inputs (name, type id, required) and outputs (name, type id)."""
    data = {"filename": filename, "description": "", "contents": contents, **extra}
    for t, (name, kind, inputs, outputs) in enumerate(tasks):
        data[f"tasks-{t}-name"] = name
        data[f"tasks-{t}-kind"] = kind
        for r, (input_name, type_id, required) in enumerate(inputs):
            data[f"tasks-{t}-in-{r}-name"] = input_name
            data[f"tasks-{t}-in-{r}-type"] = str(type_id)
            if required:
                data[f"tasks-{t}-in-{r}-required"] = "on"
        for r, (output_name, type_id) in enumerate(outputs):
            data[f"tasks-{t}-out-{r}-name"] = output_name
            data[f"tasks-{t}-out-{r}-type"] = str(type_id)
    return data


# Permissions ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/plugins/", "/plugins/new/", "/types/"])
def test_anonymous_users_are_sent_to_log_in(client, db, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={path}"


def test_outsiders_get_404_for_plugins_and_files_of_other_groups(outsider_client, writer, team):
    plugin = trainer_plugin(writer, team)
    file = plugin.files.get()

    for url in [
        reverse("plugin_detail", args=[plugin.pk]),
        reverse("plugin_edit", args=[plugin.pk]),
        reverse("plugin_delete", args=[plugin.pk]),
        file_url("detail", plugin, file),
        file_url("edit", plugin, file),
        file_url("create", plugin),
    ]:
        assert outsider_client.get(url).status_code == 404, url
    detect = outsider_client.post(file_url("detect_tasks", plugin), {"contents": ""})
    assert detect.status_code == 404
    assert "trainer" not in outsider_client.get(LIST_URL).content.decode()


def test_readers_see_code_and_tasks_but_no_edit_controls(reader_client, writer, team):
    plugin = trainer_plugin(writer, team)
    file = plugin.files.get()

    detail = reader_client.get(reverse("plugin_detail", args=[plugin.pk])).content.decode()
    file_page = reader_client.get(file_url("detail", plugin, file)).content.decode()
    listing = reader_client.get(LIST_URL).content.decode()

    assert "train_model" in detail and "read-only" in detail
    assert reverse("plugin_edit", args=[plugin.pk]) not in detail
    assert file_url("create", plugin) not in detail
    assert file_url("edit", plugin, file) not in detail
    assert "def train_model(epochs: int)" in file_page
    assert file_url("edit", plugin, file) not in file_page
    assert reverse("plugin_edit", args=[plugin.pk]) not in listing


def test_readers_may_not_change_plugins_or_files(reader_client, writer, team):
    plugin = trainer_plugin(writer, team)
    file = plugin.files.get()

    assert reader_client.get(reverse("plugin_edit", args=[plugin.pk])).status_code == 403
    assert reader_client.post(reverse("plugin_delete", args=[plugin.pk])).status_code == 403
    assert reader_client.post(file_url("create", plugin), file_data("x.py")).status_code == 403
    assert reader_client.post(file_url("edit", plugin, file), file_data()).status_code == 403
    assert reader_client.post(file_url("delete", plugin, file)).status_code == 403
    assert reader_client.post(file_url("detect_tasks", plugin), {}).status_code == 403
    assert Plugin.objects.alive().count() == 1
    assert PluginFile.objects.alive().count() == 1


# The list ---------------------------------------------------------------------------


def test_list_searches_and_answers_htmx_with_the_table_only(writer_client, team, htmx_headers):
    PluginFactory(group=team, name="image_attacks")
    PluginFactory(group=team, name="metrics")

    page = writer_client.get(LIST_URL).content.decode()
    fragment = writer_client.get(LIST_URL, {"q": "attack"}, **htmx_headers).content.decode()

    assert "<html" in page and "metrics" in page
    assert "<html" not in fragment
    assert 'id="plugin-table"' in fragment
    assert "image_attacks" in fragment and "metrics" not in fragment


def test_list_sorts_by_name_descending(writer_client, team):
    PluginFactory(group=team, name="alpha")
    PluginFactory(group=team, name="omega")

    page = writer_client.get(LIST_URL, {"sort": "-name"}).content.decode()

    assert page.index("omega") < page.index("alpha")


def test_empty_list_explains_what_a_plugin_is(writer_client, team):
    page = writer_client.get(LIST_URL).content.decode()

    assert "No plugins yet." in page
    assert CREATE_URL in page


def test_list_query_count_does_not_grow_with_rows(
    writer_client, writer, team, django_assert_num_queries
):
    def populate(count):
        for _ in range(count):
            plugin = PluginFactory(group=team)
            definitions.create_plugin_file(user=writer, plugin=plugin, filename="a.py", contents="")

    populate(2)
    # user, count, rows (with file counts), writable group ids, the user's drafts
    with django_assert_num_queries(5):
        writer_client.get(LIST_URL)
    populate(10)
    with django_assert_num_queries(5):
        response = writer_client.get(LIST_URL)

    assert "1–12 of 12 plugins" in response.content.decode()


# Plugin create, edit, delete --------------------------------------------------------


def test_writer_creates_a_plugin_and_lands_on_it(writer_client, writer, team):
    response = writer_client.post(
        CREATE_URL, {"group": team.pk, "name": "image_attacks", "description": "FGSM"}
    )

    plugin = Plugin.objects.get(name="image_attacks")
    assert response["Location"] == reverse("plugin_detail", args=[plugin.pk])
    assert (plugin.group, plugin.creator, plugin.description) == (team, writer, "FGSM")
    detail = writer_client.get(response["Location"]).content.decode()
    assert "No files yet." in detail
    assert file_url("create", plugin) in detail


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("image-attacks", "&#x27;image-attacks&#x27; is not a valid plugin name"),
        ("1st", "&#x27;1st&#x27; is not a valid plugin name"),
        ("", "A name is required."),
        ("taken", "The plugin name &#x27;taken&#x27; is already taken in this group."),
    ],
)
def test_bad_plugin_names_are_explained_in_the_form_fragment(
    writer_client, team, htmx_headers, name, message
):
    PluginFactory(group=team, name="taken")

    response = writer_client.post(CREATE_URL, {"group": team.pk, "name": name}, **htmx_headers)

    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert message in response.content.decode()
    assert Plugin.objects.count() == 1


def test_edit_renames_with_a_new_snapshot_and_keeps_the_name_on_error(writer_client, team):
    PluginFactory(group=team, name="taken")
    plugin = PluginFactory(group=team, name="mine")
    first_snapshot = plugin.snapshot_id
    edit_url = reverse("plugin_edit", args=[plugin.pk])

    refused = writer_client.post(edit_url, {"name": "not valid"})
    renamed = writer_client.post(edit_url, {"name": "renamed", "description": "new"})

    assert "is not a valid plugin name" in refused.content.decode()
    assert "Edit mine" in refused.content.decode()
    plugin.refresh_from_db()
    assert renamed.status_code == 302
    assert (plugin.name, plugin.description) == ("renamed", "new")
    assert plugin.snapshot_id > first_snapshot


def test_delete_takes_the_plugin_and_its_files_out_of_the_list(writer_client, writer, team):
    plugin = trainer_plugin(writer, team)

    confirm = writer_client.get(reverse("plugin_delete", args=[plugin.pk])).content.decode()
    response = writer_client.post(reverse("plugin_delete", args=[plugin.pk]))

    assert "Its files go with it." in confirm
    assert response["Location"] == LIST_URL
    assert not Plugin.objects.alive().exists()
    assert not PluginFile.objects.alive().exists()
    listing = writer_client.get(LIST_URL).content.decode()
    assert "Plugin trainer deleted." in listing
    assert reverse("plugin_detail", args=[plugin.pk]) not in listing


# Plugin detail ----------------------------------------------------------------------


def test_detail_lists_files_with_their_task_signatures(writer_client, writer, team):
    plugin = trainer_plugin(writer, team)

    page = writer_client.get(reverse("plugin_detail", args=[plugin.pk])).content.decode()

    assert "tasks.py" in page
    assert "train_model</span>(" in page
    assert "epochs: <span" in page and ">integer</span>" in page
    assert "model: <span" in page


def test_detail_shows_the_snapshot_history_newest_first(writer_client, writer, team):
    plugin = trainer_plugin(writer, team)
    definitions.update_plugin(user=writer, plugin=plugin, name="trainer", description="v2")
    snapshot_ids = list(plugin.snapshots().order_by("-id").values_list("id", flat=True))

    page = writer_client.get(reverse("plugin_detail", args=[plugin.pk])).content.decode()

    history = page[page.index('id="snapshot-history"') :]
    positions = [history.index(f"#{snapshot_id}<") for snapshot_id in snapshot_ids]
    assert len(snapshot_ids) == 3  # created, file added, described
    assert positions == sorted(positions)
    assert history.index("latest") < positions[1]
    assert writer.username in history


# Plugin files -----------------------------------------------------------------------


@pytest.fixture
def types(writer):
    return builtin_types(writer)


def test_writer_creates_a_file_with_ordered_inputs_and_outputs(writer_client, team, types):
    plugin = PluginFactory(group=team, name="trainer")
    data = file_data(
        tasks=[
            (
                "train_model",
                "function",
                [("epochs", types["integer"].pk, True), ("rate", types["number"].pk, False)],
                [("model", types["any"].pk)],
            ),
            ("ModelHandler", "artifact", [], [("model", types["any"].pk)]),
        ]
    )

    response = writer_client.post(file_url("create", plugin), data)

    file = plugin.files.get()
    assert response["Location"] == file_url("detail", plugin, file)
    assert file.contents == TRAINER_CODE
    assert [task.as_registration() for task in file.tasks.all()] == [
        {
            "name": "train_model",
            "kind": "function",
            "inputParams": [
                {"name": "epochs", "parameterType": types["integer"].pk, "required": True},
                {"name": "rate", "parameterType": types["number"].pk, "required": False},
            ],
            "outputParams": [{"name": "model", "parameterType": types["any"].pk}],
        },
        {
            "name": "ModelHandler",
            "kind": "artifact",
            "inputParams": [],
            "outputParams": [{"name": "model", "parameterType": types["any"].pk}],
        },
    ]
    plugin.refresh_from_db()
    assert plugin.snapshot_id > file.snapshot_id


def test_the_file_editor_has_a_numbered_code_area_and_row_templates(writer_client, team, types):
    plugin = PluginFactory(group=team)

    page = writer_client.get(file_url("create", plugin)).content.decode()

    assert 'class="code-editor' in page and 'class="code-gutter"' in page
    assert 'id="task-template"' in page
    assert 'name="tasks-__task__-in-__row__-type"' in page
    assert f'<option value="{types["integer"].pk}">integer (builtin)</option>' in page
    assert "js/code_editor.js" in page and "js/plugin_tasks.js" in page
    assert file_url("detect_tasks", plugin) in page


def test_edit_shows_the_registered_tasks_and_replaces_them(writer_client, writer, team, types):
    plugin = trainer_plugin(writer, team)
    file = plugin.files.get()
    before = plugin.snapshot_id

    form_page = writer_client.get(file_url("edit", plugin, file)).content.decode()
    response = writer_client.post(
        file_url("edit", plugin, file),
        file_data(tasks=[("hello_world", "function", [("name", types["string"].pk, True)], [])]),
    )

    assert 'name="tasks-0-name" value="train_model"' in form_page
    assert 'name="tasks-1-in-0-name" value="name"' in form_page
    assert f'<option value="{types["integer"].pk}" selected>' in form_page
    assert response.status_code == 302
    assert [t.name for t in file.tasks.all()] == ["hello_world"]
    plugin.refresh_from_db()
    assert plugin.snapshot_id > before


@pytest.mark.parametrize(
    ("filename", "message"),
    [
        ("tasks", "&#x27;tasks&#x27; is not a valid plugin filename"),
        ("sub/_private.py", "&#x27;sub/_private.py&#x27; is not a valid plugin filename"),
        ("taken.py", "The plugin &#x27;p&#x27; already has a file named &#x27;taken.py&#x27;."),
    ],
)
def test_bad_and_duplicate_filenames_are_explained_next_to_the_filename(
    writer_client, writer, team, htmx_headers, filename, message
):
    plugin = definitions.create_plugin(user=writer, group_id=team.pk, name="p")
    definitions.create_plugin_file(user=writer, plugin=plugin, filename="taken.py", contents="")

    response = writer_client.post(
        file_url("create", plugin), file_data(filename=filename), **htmx_headers
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert message in page
    assert page.index('id="id_filename"') < page.index(message)
    assert TRAINER_CODE.splitlines()[0] in page  # the code is kept
    assert plugin.files.count() == 1


def test_a_duplicate_task_name_is_explained_in_the_task_section(writer_client, team, types):
    plugin = PluginFactory(group=team, name="p")
    task = ("train_model", "function", [], [])

    response = writer_client.post(file_url("create", plugin), file_data(tasks=[task, task]))

    page = response.content.decode()
    assert "The task name &#x27;train_model&#x27; is used twice." in page
    assert page.index('id="task-rows"') < page.index("is used twice")
    assert not plugin.files.exists()


@pytest.mark.parametrize("type_id", ["", "999999"])
def test_an_unknown_or_missing_type_is_explained_on_its_row(writer_client, team, types, type_id):
    plugin = PluginFactory(group=team, name="p")
    data = file_data(tasks=[("train_model", "function", [("epochs", 1, True)], [])])
    data["tasks-0-in-0-type"] = type_id

    response = writer_client.post(file_url("create", plugin), data)

    page = response.content.decode()
    assert "Choose a type for input &#x27;epochs&#x27; of task &#x27;train_model&#x27;" in page
    assert 'name="tasks-0-in-0-name" value="epochs"' in page  # the row is kept
    assert not plugin.files.exists()


def test_a_type_of_another_group_is_not_offered_or_accepted(writer_client, team, types):
    hidden = PluginParameterTypeFactory(name="secret_type")
    plugin = PluginFactory(group=team, name="p")
    data = file_data(tasks=[("f", "function", [("x", hidden.pk, True)], [])])

    form_page = writer_client.get(file_url("create", plugin)).content.decode()
    response = writer_client.post(file_url("create", plugin), data)

    assert "secret_type" not in form_page
    assert "Choose a type for input &#x27;x&#x27;" in response.content.decode()


def test_delete_file_makes_a_new_plugin_snapshot(writer_client, writer, team):
    plugin = trainer_plugin(writer, team)
    file = plugin.files.get()
    before = plugin.snapshot_id

    response = writer_client.post(file_url("delete", plugin, file))

    plugin.refresh_from_db()
    assert response["Location"] == reverse("plugin_detail", args=[plugin.pk])
    assert not plugin.files.alive().exists()
    assert plugin.snapshot_id > before


# Detect tasks -----------------------------------------------------------------------

ANNOTATED = """\
import numpy as np
from dioptra import pyplugs


@pyplugs.register
def sample(seed: int, shape: tuple = (2, 2)) -> np.ndarray:
    return np.zeros(shape)


def helper(x):
    return x
"""


def test_detect_tasks_fills_the_rows_with_existing_types(writer_client, team, types, htmx_headers):
    plugin = PluginFactory(group=team, name="p")
    ndarray = PluginParameterTypeFactory(group=team, name="np_ndarray")

    response = writer_client.post(
        file_url("detect_tasks", plugin), {"contents": ANNOTATED}, **htmx_headers
    )

    page = response.content.decode()
    assert "<html" not in page and page.lstrip().startswith('<div id="task-rows"')
    assert "Found 1 task in the code." in page
    assert 'name="tasks-0-name" value="sample"' in page
    assert 'name="tasks-0-in-0-name" value="seed"' in page
    assert 'name="tasks-0-in-1-name" value="shape"' in page
    assert 'name="tasks-0-out-0-name" value="output"' in page
    assert 'id="tasks-0-in-0-required" value="on" checked' in page
    assert 'id="tasks-0-in-1-required" value="on">' in page  # has a default: optional
    inputs_of = page.split('name="tasks-0-in-1-type"')
    assert f'<option value="{types["integer"].pk}" selected>' in inputs_of[0]
    assert f'<option value="{ndarray.pk}" selected>' in page.split('name="tasks-0-out-0-type"')[1]
    assert "helper" not in page


def test_detect_tasks_lists_missing_types_with_a_link_to_create_them(
    writer_client, team, types, htmx_headers
):
    plugin = PluginFactory(group=team, name="p")

    response = writer_client.post(
        file_url("detect_tasks", plugin), {"contents": ANNOTATED}, **htmx_headers
    )

    page = response.content.decode()
    create = reverse("parameter_type_create")
    assert "These types do not exist yet" in page
    assert "<code>tuple</code>" in page and "<code>np_ndarray</code>" in page
    assert f"{create}?name=np_ndarray&amp;group={team.pk}&amp;description=np.ndarray" in page
    missing_row = page.split('name="tasks-0-out-0-type"')[1].split("</select>")[0]
    assert " selected>" not in missing_row


def test_detect_tasks_shows_invalid_python_with_its_line(writer_client, team, htmx_headers):
    plugin = PluginFactory(group=team, name="p")
    code = "from dioptra import pyplugs\n\n@pyplugs.register\ndef broken(:\n    pass\n"

    response = writer_client.post(
        file_url("detect_tasks", plugin), {"contents": code}, **htmx_headers
    )

    page = response.content.decode()
    assert "Invalid Python code on line 4" in page
    assert 'data-code-error-line="4"' in page


def test_detect_tasks_keeps_artifact_tasks_and_works_without_javascript(
    writer_client, writer, team, types
):
    plugin = trainer_plugin(writer, team)
    file = plugin.files.get()
    data = file_data(
        filename="renamed.py",
        tasks=[
            ("old_task", "function", [], []),
            ("ModelHandler", "artifact", [], [("model", types["any"].pk)]),
        ],
        file=str(file.pk),
    )

    response = writer_client.post(file_url("detect_tasks", plugin), data)

    page = response.content.decode()
    assert "<html" in page
    assert f'action="{file_url("edit", plugin, file)}"' in page  # still editing this file
    assert 'value="renamed.py"' in page
    assert 'value="train_model"' in page and 'value="hello_world"' in page
    assert 'value="ModelHandler"' in page and 'value="old_task"' not in page
    assert file.filename == "tasks.py"  # nothing is saved
