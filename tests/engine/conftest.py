"""Helpers for engine tests: no database, plain dicts, real child processes."""

import textwrap

import pytest

from experiments.engine.process import run_in_child


def plugin(name: str, files: dict[str, str], **extra) -> dict:
    return {
        "name": name,
        "files": [
            {"filename": filename, "contents": textwrap.dedent(contents)}
            for filename, contents in files.items()
        ],
        **extra,
    }


def logs(events: list[dict]) -> list[dict]:
    return [event for event in events if event["type"] == "log"]


def messages(events: list[dict]) -> list[str]:
    return [event["message"] for event in logs(events)]


@pytest.fixture
def run_job():
    """Run a bundle in a child process; returns (outcome, events) and cleans up after."""
    outcomes = []

    def run(bundle: dict, **kwargs):
        events: list[dict] = []
        kwargs.setdefault("timeout_seconds", 60)
        kwargs.setdefault("on_events", events.extend)
        outcome = run_in_child(bundle, **kwargs)
        outcomes.append(outcome)
        return outcome, events

    yield run
    for outcome in outcomes:
        outcome.cleanup()
