"""Adversarial robustness on scikit-learn's bundled digits (no downloads).

Train a logistic regression, attack it with the fast gradient sign method
(FGSM) at strength ``epsilon``, and compare clean and adversarial accuracy.
"""

import io
import os

import numpy as np
import structlog
from dioptra import pyplugs

LOGGER = structlog.get_logger()


@pyplugs.register
def load_digits(test_fraction: float, seed: int):
    """The 8x8 digits, pixels scaled to [0, 1]: x_train, y_train, x_test, y_test."""
    from sklearn.datasets import load_digits as sklearn_digits
    from sklearn.model_selection import train_test_split

    digits = sklearn_digits()
    x = digits.data / 16.0
    x_train, x_test, y_train, y_test = train_test_split(
        x, digits.target, test_size=test_fraction, random_state=seed, stratify=digits.target
    )
    LOGGER.info("Loaded digits", train=len(x_train), test=len(x_test))
    return x_train, y_train, x_test, y_test


@pyplugs.register
def train_classifier(x: np.ndarray, y: np.ndarray, max_iter: int):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(max_iter=max_iter)
    model.fit(x, y)
    LOGGER.info("Trained a logistic regression", classes=len(model.classes_))
    return model


@pyplugs.register
def accuracy(model, x: np.ndarray, y: np.ndarray, metric: str) -> float:
    value = float(np.mean(model.predict(x) == y))
    _post_metric(metric, value)
    LOGGER.info("Accuracy", metric=metric, value=round(value, 4))
    return value


@pyplugs.register
def fgsm_attack(model, x: np.ndarray, y: np.ndarray, epsilon: float) -> np.ndarray:
    """x + epsilon * sign(d loss / d x) for the model's cross-entropy loss, clipped to [0, 1].

    For a softmax over ``x @ W.T + b`` the gradient of the loss with respect to
    the input is ``(p - onehot(y)) @ W``.
    """
    probabilities = model.predict_proba(x)
    onehot = np.zeros_like(probabilities)
    onehot[np.arange(len(y)), np.searchsorted(model.classes_, y)] = 1.0
    gradient = (probabilities - onehot) @ model.coef_
    adversarial = np.clip(x + epsilon * np.sign(gradient), 0.0, 1.0)
    LOGGER.info("Perturbed the test set", epsilon=epsilon, examples=len(x))
    return adversarial


@pyplugs.register
def examples_png(
    model, clean: np.ndarray, adversarial: np.ndarray, labels: np.ndarray, count: int
) -> bytes:
    """A PNG with clean examples on the top row and their perturbed versions below,
    each over a coloured bar: green when the model is right, red when it is fooled."""
    from PIL import Image, ImageDraw

    count = max(1, min(count, len(clean)))
    cell, bar, pad = 64, 6, 4
    width = count * (cell + pad) + pad
    height = 2 * (cell + bar + pad) + pad
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    predictions = [model.predict(clean[:count]), model.predict(adversarial[:count])]
    for row, (images, predicted) in enumerate(zip((clean, adversarial), predictions, strict=True)):
        for column in range(count):
            pixels = (255 * (1.0 - images[column].reshape(8, 8))).astype("uint8")
            tile = Image.fromarray(pixels, mode="L").resize((cell, cell), Image.NEAREST)
            left = pad + column * (cell + pad)
            top = pad + row * (cell + bar + pad)
            image.paste(tile.convert("RGB"), (left, top))
            right = predicted[column] == labels[column]
            draw.rectangle(
                (left, top + cell, left + cell - 1, top + cell + bar - 1),
                fill=(40, 160, 60) if right else (200, 40, 40),
            )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    LOGGER.info("Drew examples", count=count, bytes=buffer.tell())
    return buffer.getvalue()


def _post_metric(name: str, value: float) -> None:
    try:
        from dioptra.sdk.utilities.auth_client import get_authenticated_worker_client

        client = get_authenticated_worker_client(LOGGER, "json")
        client.jobs.append_metric_by_id(os.environ["__JOB_ID"], name, value)
    except Exception as error:  # as in Dioptra's tutorial: metrics are optional
        LOGGER.warning("Could not post the metric", name=name, error=str(error))
