"""Artifacts in the REST API: list, read, describe, list files, download contents."""

import io
import tarfile
import zipfile

import pytest
from django.core.files.base import ContentFile

from experiments import accounts, definitions
from experiments.models import Artifact, Tag
from tests.api.conftest import PAGE_KEYS, RESOURCE_KEYS, send
from tests.conftest import logged_in
from tests.jobs.conftest import builtin, make_plugin, make_workflow

ARTIFACT_KEYS = RESOURCE_KEYS | {
    "description",
    "task",
    "isDir",
    "fileSize",
    "fileUrl",
    "artifactUri",
    "job",
}
TASK_KEYS = {
    "id",
    "name",
    "outputParams",
    "pluginResourceId",
    "pluginResourceSnapshotId",
    "pluginFileResourceId",
    "pluginFileResourceSnapshotId",
}
URL = "/api/v1/artifacts"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def job(writer, team):
    accounts.ensure_public_group(creator=writer)
    return make_workflow(writer, team).submit(writer)


def file_artifact(job, name="scores.csv", data=b"a,b\n1,2\n", **fields) -> Artifact:
    artifact = Artifact(
        group=job.group, creator=job.creator, job=job, uri=f"file:///runs/{name}", **fields
    )
    artifact.file.save(name, ContentFile(data), save=False)
    artifact.file_size = len(data)
    artifact.save()
    artifact.record_snapshot(user=job.creator)
    return artifact


def directory_artifact(job) -> Artifact:
    """A directory ``model`` with two files, stored as the worker stores it."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in (("model/weights.bin", b"\x00\x01\x02"), ("model/cfg/a.json", b"{}")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    artifact = Artifact(group=job.group, creator=job.creator, job=job, uri="file:///runs/model")
    artifact.file.save("model.tar.gz", ContentFile(buffer.getvalue()), save=False)
    artifact.is_dir = True
    artifact.save()
    artifact.record_snapshot(user=job.creator)
    return artifact


# Reading ----------------------------------------------------------------------------


def test_artifact_in_dioptras_shape(job, writer):
    artifact = file_artifact(job, description="Scores")

    data = send(logged_in(writer), "GET", f"{URL}/{artifact.pk}").json()

    assert set(data) == ARTIFACT_KEYS
    assert data["job"] == job.pk
    assert data["isDir"] is False and data["fileSize"] == 8
    assert data["fileUrl"] == f"/api/v1/artifacts/{artifact.pk}/contents"
    assert data["artifactUri"] == "file:///runs/scores.csv"
    assert data["task"] == {}
    assert data["description"] == "Scores"
    job_data = send(logged_in(writer), "GET", f"/api/v1/jobs/{job.pk}").json()
    assert job_data["artifacts"] == [
        {"id": artifact.pk, "group": data["group"], "url": f"/api/v1/artifacts/{artifact.pk}"}
    ]


def test_artifact_permissions(job, reader, outsider, anonymous):
    artifact = file_artifact(job)

    assert send(logged_in(reader), "GET", f"{URL}/{artifact.pk}").status_code == 200
    assert send(logged_in(outsider), "GET", f"{URL}/{artifact.pk}").status_code == 404
    assert send(anonymous, "GET", f"{URL}/{artifact.pk}").status_code == 401
    assert send(anonymous, "GET", URL).status_code == 401
    assert send(logged_in(outsider), "GET", URL).json()["data"] == []
    response = send(logged_in(outsider), "GET", f"{URL}/{artifact.pk}/contents")
    assert response.status_code == 404


def test_artifact_list_pages_searches_and_sorts(job, writer):
    first = file_artifact(job, "b.csv", description="beta")
    second = file_artifact(job, "a.csv", description="alpha")
    client = logged_in(writer)

    page = send(client, "GET", f"{URL}?pageLength=1").json()
    ordered = send(client, "GET", f"{URL}/?sortBy=uri").json()
    searched = send(client, "GET", f"{URL}?search=description:alpha").json()

    assert set(page) == PAGE_KEYS | {"next"}
    assert page["data"][0]["id"] == first.pk
    assert [a["id"] for a in ordered["data"]] == [second.pk, first.pk]
    assert [a["id"] for a in searched["data"]] == [second.pk]
    assert send(client, "GET", f"{URL}?sortBy=size").status_code == 400


@pytest.mark.parametrize("count", [1, 6])
def test_artifact_list_query_count_does_not_grow(
    job, writer, team, count, django_assert_num_queries
):
    tag = Tag.objects.create(group=team, name="best", creator=writer)
    for n in range(count):
        file_artifact(job, f"f{n}.csv").tags.add(tag)
    client = logged_in(writer)

    # user, count, rows with their tags (no artifact here has a task whose
    # outputs to load)
    with django_assert_num_queries(3):
        response = client.get(URL, {"pageLength": 100})

    assert len(response.json()["data"]) == count


# Changing ---------------------------------------------------------------------------


def test_put_changes_the_description_and_task(job, writer, team):
    artifact = file_artifact(job, description="old")
    plugin = make_plugin(
        writer,
        team,
        name="savers",
        code="class CsvSaver: ...\n",
        tasks=[definitions.TaskSpec("CsvSaver", kind="artifact", outputs=[("df", builtin("any"))])],
    )
    task = plugin.files.get().tasks.get()
    client = logged_in(writer)

    response = send(
        client,
        "PUT",
        f"{URL}/{artifact.pk}",
        {"description": "new", "pluginSnapshotId": plugin.snapshot_id, "taskId": task.pk},
    )
    cleared = send(client, "PUT", f"{URL}/{artifact.pk}", {"description": "plain"})

    data = response.json()
    assert response.status_code == 200
    assert data["description"] == "new"
    assert set(data["task"]) == TASK_KEYS
    assert data["task"]["name"] == "CsvSaver"
    assert data["task"]["pluginResourceId"] == plugin.pk
    assert data["task"]["pluginResourceSnapshotId"] == plugin.snapshot_id
    assert data["task"]["outputParams"][0]["name"] == "df"
    assert data["snapshot"] > artifact.snapshot_id
    assert cleared.json()["task"] == {} and cleared.json()["description"] == "plain"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"taskId": 1}, 400),
        ({"pluginSnapshotId": 1}, 400),
        ({"pluginSnapshotId": 999999, "taskId": 1}, 404),
        ({"description": 5}, 400),
        ({"job": 1}, 400),
    ],
)
def test_bad_puts(job, writer, body, status):
    artifact = file_artifact(job)

    response = send(logged_in(writer), "PUT", f"{URL}/{artifact.pk}", body)

    assert response.status_code == status


def test_reader_may_not_change_an_artifact(job, reader):
    artifact = file_artifact(job)

    response = send(logged_in(reader), "PUT", f"{URL}/{artifact.pk}", {"description": "x"})

    assert response.status_code == 403


# Files and contents -------------------------------------------------------------------


def test_file_artifact_lists_one_file_and_downloads_its_bytes(job, writer):
    artifact = file_artifact(job)
    client = logged_in(writer)

    files = send(client, "GET", f"{URL}/{artifact.pk}/files").json()
    response = client.get(f"{URL}/{artifact.pk}/contents")

    assert files == [
        {
            "relativePath": "scores.csv",
            "isDir": False,
            "fileSize": 8,
            "fileUrl": f"/api/v1/artifacts/{artifact.pk}/contents",
        }
    ]
    assert b"".join(response.streaming_content) == b"a,b\n1,2\n"
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == 'inline; filename="scores.csv"'


def test_file_artifact_refuses_path_and_file_type(job, writer):
    artifact = file_artifact(job)
    client = logged_in(writer)

    assert client.get(f"{URL}/{artifact.pk}/contents", {"path": "x"}).status_code == 400
    assert client.get(f"{URL}/{artifact.pk}/contents", {"fileType": "zip"}).status_code == 400


def test_directory_artifact_lists_members_and_serves_them(job, writer):
    artifact = directory_artifact(job)
    client = logged_in(writer)
    url = f"{URL}/{artifact.pk}/contents"

    files = send(client, "GET", f"{URL}/{artifact.pk}/files").json()
    whole = client.get(url)
    one = client.get(url, {"path": "cfg/a.json"})
    zipped = client.get(url, {"fileType": "zip"})
    folder = client.get(url, {"path": "cfg", "fileType": "zip"})

    assert [(f["relativePath"], f["isDir"], f["fileSize"]) for f in files] == [
        ("weights.bin", False, 3),
        ("cfg/a.json", False, 2),
    ]
    assert files[1]["fileUrl"] == f"{url}?path=cfg%2Fa.json"
    assert whole["Content-Type"] == "application/gzip"
    with tarfile.open(fileobj=io.BytesIO(whole.content), mode="r:gz") as tar:
        assert sorted(tar.getnames()) == ["model/cfg/a.json", "model/weights.bin"]
    assert one.content == b"{}" and one["Content-Type"] == "application/json"
    with zipfile.ZipFile(io.BytesIO(zipped.content)) as archive:
        assert sorted(archive.namelist()) == ["model/cfg/a.json", "model/weights.bin"]
    assert "filename*=UTF-8''model.zip" in zipped["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(folder.content)) as archive:
        assert archive.namelist() == ["cfg/a.json"]


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"path": "../etc/passwd"}, 400),
        ({"path": "/etc/passwd"}, 400),
        ({"path": "missing.txt"}, 404),
        ({"fileType": "rar"}, 400),
    ],
)
def test_directory_artifact_bad_requests(job, writer, params, status):
    artifact = directory_artifact(job)

    response = logged_in(writer).get(f"{URL}/{artifact.pk}/contents", params)

    assert response.status_code == status


def test_artifact_without_stored_contents_is_404(job, writer):
    artifact = Artifact.objects.create(
        group=job.group, creator=writer, job=job, uri="s3://bucket/key"
    )

    response = logged_in(writer).get(f"{URL}/{artifact.pk}/contents")

    assert response.status_code == 404
    assert response.json()["error"] == "EntityDoesNotExistError"
