"""Sources of the demo plugins that ``manage.py bootstrap --demo`` uploads.

They are read as text (never imported by the server) and run inside jobs,
where ``dioptra`` is our compatibility shim.
"""

from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent


def source(filename: str) -> str:
    return (DEMO_DIR / filename).read_text(encoding="utf-8")
