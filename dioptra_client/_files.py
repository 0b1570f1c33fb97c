"""File types of downloads: ``"tar_gz"`` or ``"zip"``, or Dioptra's ``FileTypes``."""

from __future__ import annotations

from typing import Any

SUFFIXES = {"tar_gz": ".tar.gz", "zip": ".zip"}


def file_type_value(file_type: Any) -> str:
    """The ``fileType`` query value; Dioptra's ``FileTypes.TAR_GZ`` works too.
    Other values go to the server as they are, which refuses them (400)."""
    return str(getattr(file_type, "value", file_type))


def with_suffix(stem: str, file_type: Any) -> str:
    """``stem`` plus the archive's suffix, e.g. ``plugins.tar.gz``."""
    return stem + SUFFIXES.get(file_type_value(file_type), "")
