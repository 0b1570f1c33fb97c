"""Artifact handlers: numpy arrays as .npy files, and PNG images."""

from pathlib import Path
from typing import Any

import numpy as np
from dioptra.sdk.api.artifact import ArtifactTaskInterface


class NumpyArrayArtifactTask(ArtifactTaskInterface):
    @staticmethod
    def serialize(working_dir: Path, name: str, contents: np.ndarray, **kwargs: Any) -> Path:
        path = (working_dir / name).with_suffix(".npy")
        np.save(path, contents, allow_pickle=False)
        return path

    @staticmethod
    def deserialize(working_dir: Path, path: str, **kwargs: Any) -> np.ndarray:
        return np.load(working_dir / path)

    @staticmethod
    def validation() -> dict[str, Any] | None:
        return None


class PngArtifactTask(ArtifactTaskInterface):
    @staticmethod
    def serialize(working_dir: Path, name: str, contents: bytes, **kwargs: Any) -> Path:
        path = (working_dir / name).with_suffix(".png")
        path.write_bytes(contents)
        return path

    @staticmethod
    def deserialize(working_dir: Path, path: str, **kwargs: Any) -> bytes:
        return (working_dir / path).read_bytes()

    @staticmethod
    def validation() -> dict[str, Any] | None:
        return None
