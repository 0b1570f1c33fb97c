"""The base class of artifact handlers (``ArtifactTaskInterface``).

Handlers subclass it and implement static methods; the engine never creates
an instance:

- ``serialize(working_dir: Path, name: str, contents, **kwargs) -> Path`` writes
  ``contents`` (conventionally to ``working_dir / f"{name}.<ext>"``) and returns
  the path of the file or directory it wrote;
- ``deserialize(working_dir: Path, path: str, **kwargs)`` reads
  ``working_dir / path`` back;
- ``validation() -> dict | None`` gives JSON-Schema ``properties`` for the extra
  keyword arguments ``serialize`` accepts.
"""

import abc
from pathlib import Path
from typing import Any


class ArtifactTaskInterface(abc.ABC):  # noqa: B024 - handlers override what they need
    @staticmethod
    def serialize(working_dir: Path, name: str, contents: Any, **kwargs: Any) -> Path:
        raise NotImplementedError("this artifact task cannot serialize")

    @staticmethod
    def deserialize(working_dir: Path, path: str, **kwargs: Any) -> Any:
        raise NotImplementedError("this artifact task cannot deserialize")

    @staticmethod
    def validation() -> dict[str, Any] | None:
        return None
