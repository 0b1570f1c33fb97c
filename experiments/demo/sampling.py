"""Draw a sample from a normal distribution and transform it step by step."""

import numpy as np
import structlog
from dioptra import pyplugs

LOGGER = structlog.get_logger()


@pyplugs.register
def sample_normal(seed: int, mean: float, std: float, size: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    sample = rng.normal(loc=mean, scale=std, size=size)
    LOGGER.info("Drew a sample", size=size, mean=round(float(sample.mean()), 4))
    return sample


@pyplugs.register
def scale(array: np.ndarray, factor: float) -> np.ndarray:
    return array * factor


@pyplugs.register
def shift(array: np.ndarray, offset: float) -> np.ndarray:
    return array + offset


@pyplugs.register
def clip(array: np.ndarray, low: float, high: float) -> np.ndarray:
    clipped = np.clip(array, low, high)
    LOGGER.info("Clipped values", clipped=int(np.sum(clipped != array)))
    return clipped


@pyplugs.register
def summarize(array: np.ndarray) -> dict:
    """Log the sample's statistics as metrics, and return them."""
    stats = {
        "sample_mean": float(np.mean(array)),
        "sample_std": float(np.std(array)),
        "sample_min": float(np.min(array)),
        "sample_max": float(np.max(array)),
    }
    _post_metrics(stats)
    LOGGER.info("Summary", **{k: round(v, 4) for k, v in stats.items()})
    return stats


def _post_metrics(metrics: dict) -> None:
    import os

    try:
        from dioptra.sdk.utilities.auth_client import get_authenticated_worker_client

        client = get_authenticated_worker_client(LOGGER, "json")
        for name, value in metrics.items():
            client.jobs.append_metric_by_id(os.environ["__JOB_ID"], name, value)
    except Exception as error:  # as in Dioptra's tutorial: metrics are optional
        LOGGER.warning("Could not post metrics", error=str(error))
