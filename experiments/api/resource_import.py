"""POST /workflows/resourceImport: plugins, parameter types and entrypoints
from an uploaded archive or set of files (multipart form data).

Fields: ``group``, ``sourceType`` (``upload_archive`` with a file part
``archiveFile``, or ``upload_files`` with repeated ``files`` parts), optional
``configPath`` (default ``dioptra.toml``) and ``resolveNameConflictsStrategy``
(``fail``, ``update``, ``overwrite``). The ``files`` parts are named by their
relative paths in the part's filename (as Dioptra's client sends them), or by
a parallel list of ``paths`` fields. Git sources (sent url-encoded, as there
is no file) are refused.
"""

from django.http.multipartparser import MultiPartParser as DjangoMultiPartParser
from django.http.multipartparser import MultiPartParserError
from django.utils.encoding import force_str
from rest_framework import parsers
from rest_framework.decorators import api_view, parser_classes
from rest_framework.exceptions import ParseError
from rest_framework.response import Response

from experiments.resource_import import (
    DEFAULT_CONFIG_PATH,
    STRATEGIES,
    import_resources,
    source_from_archive,
    source_from_files,
)

from .errors import ApiError, FieldErrors

SOURCE_TYPES = ("git", "upload_archive", "upload_files")


class GitNotSupportedError(ApiError):
    error = "ImportFailedError"


class _PathKeepingParser(DjangoMultiPartParser):
    """Django's parser keeps only the last part of an upload's filename; this
    one also remembers the whole name as ``relative_path`` on each file."""

    _raw_file_name = None

    def sanitize_file_name(self, file_name):
        self._raw_file_name = file_name
        return super().sanitize_file_name(file_name)

    def handle_file_complete(self, old_field_name, counters):
        super().handle_file_complete(old_field_name, counters)
        name = force_str(old_field_name, self._encoding, errors="replace")
        uploaded = self._files.getlist(name)
        if uploaded and not hasattr(uploaded[-1], "relative_path"):
            uploaded[-1].relative_path = self._raw_file_name


class PathKeepingMultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        request = parser_context["request"]
        meta = request.META.copy()
        meta["CONTENT_TYPE"] = media_type
        encoding = parsers.get_encoding(parser_context)
        try:
            parser = _PathKeepingParser(meta, stream, request.upload_handlers, encoding)
            data, files = parser.parse()
        except MultiPartParserError as error:
            raise ParseError(f"Multipart form parse error - {error}") from None
        return parsers.DataAndFiles(data, files)


def _form(request) -> dict:
    """The form's fields, checked as Dioptra's schema checks them."""
    data, files = request.data, request.FILES
    errors: dict[str, list[str]] = {}
    group = data.get("group")
    if group is None:
        errors["group"] = ["Missing data for required field."]
    elif not group.strip().isdigit() or len(group.strip()) > 18:
        errors["group"] = ["Not a valid integer."]
    source_type = data.get("sourceType")
    if source_type is None:
        errors["sourceType"] = ["Missing data for required field."]
    elif source_type not in SOURCE_TYPES:
        errors["sourceType"] = [f"Must be one of: {', '.join(SOURCE_TYPES)}."]
    strategy = data.get("resolveNameConflictsStrategy") or "fail"
    if strategy not in STRATEGIES:
        errors["resolveNameConflictsStrategy"] = [f"Must be one of: {', '.join(STRATEGIES)}."]
    given = {
        "git": "gitUrl" in data,
        "upload_archive": "archiveFile" in files,
        "upload_files": "files" in files,
    }
    if source_type in SOURCE_TYPES and (not given[source_type] or sum(given.values()) != 1):
        expected = {"git": "gitUrl", "upload_archive": "archiveFile", "upload_files": "files"}
        errors["_schema"] = [
            f"sourceType {source_type} takes exactly one source: {expected[source_type]}."
        ]
    if errors:
        raise FieldErrors(errors)
    return {
        "group": int(group),
        "source_type": source_type,
        "config_path": data.get("configPath") or DEFAULT_CONFIG_PATH,
        "strategy": strategy,
    }


def _uploaded_files(request) -> list[tuple[str, bytes]]:
    """Each ``files`` part with its relative path: from a ``paths`` field in
    the same order when given, else from the part's own filename."""
    uploads = request.FILES.getlist("files")
    paths = request.data.getlist("paths")
    if paths and len(paths) != len(uploads):
        raise FieldErrors({"paths": [f"Give one path per file ({len(uploads)} files)."]})
    if not paths:
        paths = [getattr(upload, "relative_path", None) or upload.name for upload in uploads]
    return [(path, upload.read()) for path, upload in zip(paths, uploads, strict=True)]


@api_view(["POST"])
@parser_classes([PathKeepingMultiPartParser, parsers.FormParser])
def resource_import(request):
    form = _form(request)
    if form["source_type"] == "git":
        raise GitNotSupportedError("git sources are not supported by this server")
    if form["source_type"] == "upload_archive":
        source = source_from_archive(request.FILES["archiveFile"].read())
    else:
        source = source_from_files(_uploaded_files(request))
    result = import_resources(
        user=request.user,
        group_id=form["group"],
        source=source,
        config_path=form["config_path"],
        strategy=form["strategy"],
    )
    return Response(
        {
            "message": "successfully imported",
            "hash": result.digest,
            "resources": {
                "plugins": result.plugins,
                "plugin_param_types": result.plugin_param_types,
                "entrypoints": result.entrypoints,
            },
        }
    )
