"""The URL converter of ids, for the pages and the API: digits only (anything
else is 404) and at most 18 of them, so an id always fits the database."""

from django.urls import register_converter

# The largest id (and integer) a database column holds; bigger ones overflow
# the database drivers, so input carrying one is refused.
MAX_ID = 2**63 - 1


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")
