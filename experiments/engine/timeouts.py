"""Job timeouts in RQ's notation: ``<int>`` seconds or ``<int><d|h|m|s>``."""

import re

_TIMEOUT = re.compile(r"^(\d+)([dhms]?)$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_timeout(value: str | int) -> int:
    """``"30m"`` → 1800, ``"24h"`` → 86400, ``"1d"``, ``"90s"``, ``"3600"`` or ``3600``.

    Compound forms such as ``"1h30m"`` are rejected, as RQ rejects them.
    """
    if isinstance(value, bool):
        raise ValueError(f"Invalid timeout {value!r}")
    if isinstance(value, int):
        seconds = value
    else:
        match = _TIMEOUT.match(str(value).strip().lower())
        if match is None:
            raise ValueError(
                f"Invalid timeout {value!r}: use a whole number of seconds (3600) or a number "
                "with one unit: d, h, m or s (24h, 30m, 1d, 90s)"
            )
        seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if seconds <= 0:
        raise ValueError(f"Invalid timeout {value!r}: it must be more than zero")
    return seconds


def format_timeout(seconds: float) -> str:
    """The shortest RQ-style spelling: 1800 → ``"30m"``, 86400 → ``"1d"``, 90 → ``"90s"``."""
    if seconds == int(seconds):
        whole = int(seconds)
        for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
            if whole and whole % size == 0:
                return f"{whole // size}{unit}"
        return f"{whole}s"
    return f"{seconds:g}s"
