"""Registering artifacts by URI, contents as of a snapshot, the ``outputParams``
filter, and the artifact inputs a job takes (``/jobs/{id}/artifactParameters``)."""

import pytest

from experiments import accounts, definitions
from experiments.models import Artifact, PluginTask
from tests.api.conftest import ERROR_KEYS, send
from tests.api.test_artifacts import ARTIFACT_KEYS, TASK_KEYS, directory_artifact, file_artifact
from tests.conftest import logged_in
from tests.jobs.conftest import builtin, make_plugin, make_workflow

URL = "/api/v1/artifacts"
SAVERS = "class ArraySaver: ...\n\n\nclass PairSaver: ...\n\n\nclass PlainSaver: ...\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def job(writer, team):
    accounts.ensure_public_group(creator=writer)
    return make_workflow(writer, team).submit(writer)


@pytest.fixture
def array(writer, team):
    return definitions.create_parameter_type(user=writer, group_id=team.pk, name="Array")


@pytest.fixture
def savers(writer, team, job, array):
    """Artifact tasks: ArraySaver -> (out: Array), PairSaver -> (a: Array, b: string),
    PlainSaver -> ()."""
    string = builtin("string")
    return make_plugin(
        writer,
        team,
        name="savers",
        code=SAVERS,
        tasks=[
            definitions.TaskSpec("ArraySaver", kind="artifact", outputs=[("out", array.pk)]),
            definitions.TaskSpec(
                "PairSaver", kind="artifact", outputs=[("a", array.pk), ("b", string)]
            ),
            definitions.TaskSpec("PlainSaver", kind="artifact"),
        ],
    )


def task_of(plugin, name: str) -> PluginTask:
    return PluginTask.objects.get(file__plugin=plugin, name=name)


def new_artifact(job, **fields) -> dict:
    return {"group": job.group_id, "job": job.pk, **fields}


# POST /artifacts ----------------------------------------------------------------------


def test_a_writer_registers_an_artifact_by_its_uri(job, writer):
    client = logged_in(writer)
    body = new_artifact(job, artifactUri="https://data.example.org/runs/7/model.pt")

    response = send(client, "POST", URL, {**body, "description": "Trained weights"})
    second = send(client, "POST", f"{URL}/", new_artifact(job, artifactUri="file:///data/runs/7/"))

    data = response.json()
    assert response.status_code == 200
    assert set(data) == ARTIFACT_KEYS
    assert data["artifactUri"] == "https://data.example.org/runs/7/model.pt"
    assert data["description"] == "Trained weights"
    assert data["job"] == job.pk
    assert data["group"]["id"] == job.group_id
    assert data["user"]["username"] == writer.username
    assert data["task"] == {}
    assert (data["isDir"], data["fileSize"]) == (False, None)
    assert data["fileUrl"] == f"/api/v1/artifacts/{data['id']}/contents"
    assert data["snapshot"] is not None and data["latestSnapshot"] is True
    assert second.status_code == 200 and second.json()["description"] is None
    listed = send(client, "GET", f"/api/v1/jobs/{job.pk}").json()["artifacts"]
    assert [a["id"] for a in listed] == [data["id"], second.json()["id"]]
    assert send(client, "GET", f"{URL}/{data['id']}").json() == data


def test_a_registered_artifact_names_the_task_that_loads_it(job, writer, savers):
    task = task_of(savers, "ArraySaver")
    body = new_artifact(
        job, artifactUri="file:///shared/x.npy", pluginSnapshotId=savers.snapshot_id, taskId=task.pk
    )

    data = send(logged_in(writer), "POST", URL, body).json()

    assert set(data["task"]) == TASK_KEYS
    assert data["task"]["id"] == task.pk
    assert data["task"]["name"] == "ArraySaver"
    assert data["task"]["pluginResourceId"] == savers.pk
    assert data["task"]["pluginResourceSnapshotId"] == savers.snapshot_id
    assert [p["name"] for p in data["task"]["outputParams"]] == ["out"]


@pytest.mark.parametrize(
    "uri",
    [
        "s3://bucket/model.pt",
        "ftp://files.example.org/model.pt",
        "file:relative/model.pt",
        "https:///no-host/model.pt",
        "file:///runs/../etc/passwd",
        "file:///runs/./model.pt",
        "file:///runs//model.pt",
        "https://example.org/a b",
        "model.pt",
        "",
    ],
)
def test_a_uri_must_be_an_absolute_normalized_file_or_http_uri(job, writer, uri):
    response = send(logged_in(writer), "POST", URL, new_artifact(job, artifactUri=uri))

    assert response.status_code == 400
    (message,) = response.json()["errors"]["artifactUri"]
    assert "Invalid artifact URI" in message
    assert not Artifact.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"job": 1, "artifactUri": "file:///x"}, "group"),
        ({"group": 1, "artifactUri": "file:///x"}, "job"),
        ({"group": 1, "job": 1}, "artifactUri"),
        ({"group": "1", "job": 1, "artifactUri": "file:///x"}, "group"),
        ({"group": 1, "job": 1, "artifactUri": 5}, "artifactUri"),
        ({"group": 1, "job": 1, "artifactUri": "file:///x", "id": 3}, "id"),
        ({"group": 1, "job": 1, "artifactUri": "file:///x", "description": 3}, "description"),
    ],
)
def test_a_malformed_body_is_refused_field_by_field(writer, body, field):
    response = send(logged_in(writer), "POST", URL, body)

    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_the_same_uri_twice_for_a_job_conflicts(job, writer):
    client = logged_in(writer)
    body = new_artifact(job, artifactUri="file:///runs/7/model.pt")
    first = send(client, "POST", URL, body).json()

    response = send(client, "POST", URL, body)

    assert response.status_code == 409
    assert set(response.json()) == ERROR_KEYS
    assert response.json()["error"] == "EntityExistsError"
    assert response.json()["detail"]["existing_id"] == first["id"]
    assert Artifact.objects.count() == 1


def test_the_task_must_be_an_artifact_task_of_that_plugin_snapshot(job, writer, savers, team):
    client = logged_in(writer)
    function_plugin = make_plugin(
        writer,
        team,
        name="functions",
        code="def f(): ...\n",
        tasks=[definitions.TaskSpec("f")],
    )
    array_saver = task_of(savers, "ArraySaver")

    only_task = send(client, "POST", URL, new_artifact(job, artifactUri="file:///a", taskId=1))
    only_snapshot = send(
        client,
        "POST",
        URL,
        new_artifact(job, artifactUri="file:///b", pluginSnapshotId=savers.snapshot_id),
    )
    function_task = send(
        client,
        "POST",
        URL,
        new_artifact(
            job,
            artifactUri="file:///c",
            pluginSnapshotId=function_plugin.snapshot_id,
            taskId=task_of(function_plugin, "f").pk,
        ),
    )
    unknown_snapshot = send(
        client,
        "POST",
        URL,
        new_artifact(job, artifactUri="file:///d", pluginSnapshotId=999999, taskId=array_saver.pk),
    )

    assert only_task.status_code == 400
    assert "Give both pluginSnapshotId and taskId" in only_task.json()["message"]
    assert only_snapshot.status_code == 400
    assert function_task.status_code == 400
    assert "has no artifact task" in function_task.json()["message"]
    assert unknown_snapshot.status_code == 404
    assert not Artifact.objects.exists()


def test_the_artifact_belongs_to_the_jobs_group(job, writer):
    client = logged_in(writer)
    public = accounts.ensure_public_group(creator=writer)  # writer is a member

    other_group = send(
        client, "POST", URL, {**new_artifact(job, artifactUri="file:///a"), "group": public.pk}
    )
    unknown_group = send(
        client, "POST", URL, {**new_artifact(job, artifactUri="file:///a"), "group": 999999}
    )
    unknown_job = send(
        client, "POST", URL, {**new_artifact(job, artifactUri="file:///a"), "job": 999999}
    )

    assert other_group.status_code == 400
    assert "group of the job" in other_group.json()["message"]
    assert unknown_group.status_code == 404
    assert unknown_job.status_code == 404
    assert "job" in unknown_job.json()["message"]


def test_registering_permissions(job, reader, outsider, anonymous):
    body = new_artifact(job, artifactUri="file:///runs/x")

    as_reader = send(logged_in(reader), "POST", URL, body)
    as_outsider = send(logged_in(outsider), "POST", URL, body)
    as_anonymous = send(anonymous, "POST", URL, body)

    assert as_reader.status_code == 403
    assert as_reader.json()["error"] == "NotAllowedError"
    assert as_outsider.status_code == 404
    assert as_anonymous.status_code == 401
    assert not Artifact.objects.exists()


def test_a_registered_artifact_has_no_contents_here_and_says_so(job, writer):
    client = logged_in(writer)
    data = send(client, "POST", URL, new_artifact(job, artifactUri="file:///data/x.csv")).json()

    for path in (
        f"{URL}/{data['id']}/contents",
        f"{URL}/{data['id']}/files",
        f"{URL}/{data['id']}/snapshots/{data['snapshot']}/contents",
    ):
        response = send(client, "GET", path)
        assert response.status_code == 404
        assert response.json()["error"] == "EntityDoesNotExistError"
        assert "registered by its URI (file:///data/x.csv) only" in response.json()["message"]


# GET /artifacts/{id}/snapshots/{sid}/contents ---------------------------------------


def test_the_contents_as_of_any_snapshot_are_the_bytes_the_job_saved(job, writer):
    artifact = file_artifact(job, "scores.csv", b"a,b\n1,2\n")
    first_snapshot = artifact.snapshot_id
    client = logged_in(writer)
    changed = send(client, "PUT", f"{URL}/{artifact.pk}", {"description": "new"}).json()

    for snapshot_id in (first_snapshot, changed["snapshot"]):
        for tail in ("contents", "contents/"):
            response = client.get(f"{URL}/{artifact.pk}/snapshots/{snapshot_id}/{tail}")
            assert response.status_code == 200
            assert b"".join(response.streaming_content) == b"a,b\n1,2\n"
    assert changed["snapshot"] > first_snapshot


def test_a_directory_snapshot_downloads_as_an_archive(job, writer):
    artifact = directory_artifact(job)
    url = f"{URL}/{artifact.pk}/snapshots/{artifact.snapshot_id}/contents"
    client = logged_in(writer)

    archive = client.get(url, {"fileType": "zip"})
    one_file = client.get(url, {"path": "cfg/a.json"})
    bad_type = client.get(url, {"fileType": "rar"})
    unsafe = client.get(url, {"path": "../../etc/passwd"})

    assert archive.status_code == 200 and archive["Content-Type"] == "application/zip"
    assert one_file.status_code == 200 and one_file.content == b"{}"
    assert bad_type.status_code == 400
    assert unsafe.status_code == 400


def test_snapshot_contents_need_a_snapshot_of_that_artifact(job, writer):
    artifact = file_artifact(job, "a.csv")
    other = file_artifact(job, "b.csv")
    client = logged_in(writer)

    foreign = client.get(f"{URL}/{artifact.pk}/snapshots/{other.snapshot_id}/contents")
    of_job = client.get(f"{URL}/{artifact.pk}/snapshots/{job.snapshot_id}/contents")
    unknown = client.get(f"{URL}/999999/snapshots/{artifact.snapshot_id}/contents")

    assert foreign.status_code == 404
    assert "artifact snapshot" in foreign.json()["message"]
    assert of_job.status_code == 404
    assert unknown.status_code == 404


def test_snapshot_contents_permissions(job, reader, outsider, anonymous):
    artifact = file_artifact(job)
    url = f"{URL}/{artifact.pk}/snapshots/{artifact.snapshot_id}/contents"

    assert logged_in(reader).get(url).status_code == 200
    assert logged_in(outsider).get(url).status_code == 404
    assert anonymous.get(url).status_code == 401


# GET /artifacts?outputParams= --------------------------------------------------------


@pytest.fixture
def typed_artifacts(job, savers):
    """One artifact per saver task, and one without a task."""
    made = {}
    for name in ("ArraySaver", "PairSaver", "PlainSaver"):
        made[name] = file_artifact(
            job, f"{name}.bin", task=task_of(savers, name), plugin_snapshot_id=savers.snapshot_id
        )
    made["none"] = file_artifact(job, "untyped.bin")
    return made


def test_output_params_keeps_artifacts_whose_task_outputs_match_in_order(
    writer, array, typed_artifacts
):
    string = builtin("string")
    client = logged_in(writer)

    def ids(output_params: str) -> list[int]:
        response = client.get(URL, {"outputParams": output_params, "pageLength": 100})
        assert response.status_code == 200
        return [a["id"] for a in response.json()["data"]]

    assert ids(f"{array.pk}") == [typed_artifacts["ArraySaver"].pk]
    assert ids(f"{array.pk},{string}") == [typed_artifacts["PairSaver"].pk]
    assert ids(f"{string},{array.pk}") == []
    assert ids(f"{array.pk},{array.pk}") == []
    assert len(ids("")) == 4


@pytest.mark.parametrize("value", ["abc", "1,,2", "1;2"])
def test_output_params_must_be_type_ids(writer, value):
    response = logged_in(writer).get(URL, {"outputParams": value})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["outputParams"]


@pytest.mark.parametrize("count", [1, 5])
def test_output_params_query_count_does_not_grow(
    job, writer, array, savers, count, django_assert_num_queries
):
    for n in range(count):
        file_artifact(
            job,
            f"f{n}.bin",
            task=task_of(savers, "ArraySaver"),
            plugin_snapshot_id=savers.snapshot_id,
        )
    client = logged_in(writer)

    # user, count, rows with their tags, task outputs
    with django_assert_num_queries(4):
        response = client.get(URL, {"outputParams": str(array.pk), "pageLength": 100})

    assert len(response.json()["data"]) == count


# GET /jobs/{id}/artifactParameters ----------------------------------------------------


@pytest.fixture
def consumer_job(writer, team, job, array, savers):
    """A job whose entrypoint takes the artifact parameter `numbers` (out: Array),
    given an artifact saved with ArraySaver."""
    artifact = file_artifact(
        job,
        "numbers.npy",
        task=task_of(savers, "ArraySaver"),
        plugin_snapshot_id=savers.snapshot_id,
    )
    workflow = make_workflow(
        writer,
        team,
        artifact_parameters=[definitions.ArtifactParameterSpec("numbers", [("out", array.pk)])],
    )
    consumer = workflow.submit(
        writer, artifact_values={"numbers": {"id": artifact.pk, "snapshotId": artifact.snapshot_id}}
    )
    return consumer, artifact


def test_a_jobs_artifact_parameters_in_dioptras_shape(writer, consumer_job, savers):
    consumer, artifact = consumer_job
    client = logged_in(writer)

    for path in (
        f"/api/v1/jobs/{consumer.pk}/artifactParameters",
        f"/api/v1/jobs/{consumer.pk}/artifactParameters/",
    ):
        response = client.get(path)
        assert response.status_code == 200
        assert response.json() == {
            "numbers": {
                "artifact_id": artifact.pk,
                "artifact_snapshot_id": artifact.snapshot_id,
                "artifact_uri": "file:///runs/numbers.npy",
                "is_dir": False,
                "artifact_task": {
                    "plugin_id": savers.pk,
                    "plugin_name": "savers",
                    "plugin_snapshot_id": savers.snapshot_id,
                    "file_name": "tasks.py",
                    "task_name": "ArraySaver",
                    "outputs": [{"name": "out", "type": "Array"}],
                },
            }
        }


def test_the_artifact_parameters_are_the_ones_the_job_froze(writer, consumer_job, savers, array):
    consumer, _ = consumer_job
    file = savers.files.get()
    definitions.update_plugin_file(
        user=writer,
        file=file,
        filename="renamed.py",
        contents=SAVERS,
        tasks=[definitions.TaskSpec("ArraySaver", kind="artifact", outputs=[("x", array.pk)])],
    )

    data = logged_in(writer).get(f"/api/v1/jobs/{consumer.pk}/artifactParameters").json()

    task = data["numbers"]["artifact_task"]
    assert (task["file_name"], task["outputs"]) == ("tasks.py", [{"name": "out", "type": "Array"}])


def test_a_job_without_artifact_inputs_has_none(job, writer):
    response = logged_in(writer).get(f"/api/v1/jobs/{job.pk}/artifactParameters")

    assert response.status_code == 200
    assert response.json() == {}


def test_artifact_parameters_permissions(consumer_job, reader, outsider, anonymous):
    consumer, _ = consumer_job
    url = f"/api/v1/jobs/{consumer.pk}/artifactParameters"

    assert (
        logged_in(reader).get(url).json()["numbers"]["artifact_uri"] == "file:///runs/numbers.npy"
    )
    assert logged_in(outsider).get(url).status_code == 404
    assert logged_in(outsider).get("/api/v1/jobs/999999/artifactParameters").status_code == 404
    assert anonymous.get(url).status_code == 401


def test_an_input_artifact_the_user_may_not_read_shows_no_uri(writer, team, reader, array):
    public = accounts.ensure_public_group(creator=writer)
    elsewhere = make_workflow(writer, public).submit(writer)
    savers = make_plugin(
        writer,
        public,
        name="public_savers",
        code=SAVERS,
        tasks=[definitions.TaskSpec("ArraySaver", kind="artifact", outputs=[("out", array.pk)])],
    )
    artifact = file_artifact(
        elsewhere,
        "numbers.npy",
        task=task_of(savers, "ArraySaver"),
        plugin_snapshot_id=savers.snapshot_id,
    )
    consumer = make_workflow(
        writer,
        team,
        artifact_parameters=[definitions.ArtifactParameterSpec("numbers", [("out", array.pk)])],
    ).submit(writer, artifact_values={"numbers": {"id": artifact.pk}})
    url = f"/api/v1/jobs/{consumer.pk}/artifactParameters"

    as_writer = logged_in(writer).get(url).json()["numbers"]
    as_reader = logged_in(reader).get(url).json()["numbers"]

    assert as_writer["artifact_uri"] == "file:///runs/numbers.npy"
    assert (as_reader["artifact_uri"], as_reader["is_dir"]) == (None, None)
    assert as_reader["artifact_id"] == artifact.pk
    assert as_reader["artifact_task"]["plugin_name"] == "public_savers"
