"""Reading request bodies and query parameters as strictly as Dioptra does.

A body is JSON whatever its content type. Its keys are checked against a
schema of ``Field``s: unknown keys (including read-only ones such as ``id``
or ``snapshot``), missing required keys and values of the wrong type are
reported together as ``{"errors": {field: [message]}}`` with status 400.

    body = parse_body(request, {"name": Field(name, required=True), "description": ...})
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rest_framework.exceptions import ParseError

from experiments.converters import MAX_ID
from experiments.definitions import clean_name
from experiments.errors import InvalidInputError

from .errors import FieldErrors

UNKNOWN_FIELD = "Unknown field."
MISSING_FIELD = "Missing data for required field."


@dataclass(frozen=True)
class Field:
    parse: Callable[[Any], Any]  # returns the clean value or raises ValueError(message)
    required: bool = False
    default: Any = None


def read_json(request) -> Any:
    """The request's JSON body, whatever its content type; an empty body is ``{}``."""
    raw = request.body
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise ParseError(f"Failed to decode JSON object: {error}") from None


def validate(data: Any, fields: Mapping[str, Field]) -> dict:
    if not isinstance(data, dict):
        raise FieldErrors({"_schema": ["Invalid input type."]})
    errors: dict[str, Any] = {key: [UNKNOWN_FIELD] for key in data if key not in fields}
    clean: dict[str, Any] = {}
    for key, field in fields.items():
        if key not in data:
            if field.required:
                errors[key] = [MISSING_FIELD]
            else:
                clean[key] = field.default() if callable(field.default) else field.default
            continue
        try:
            clean[key] = field.parse(data[key])
        except ValueError as error:
            errors[key] = [str(error)]
        except FieldErrors as nested:
            errors[key] = nested.errors
    if errors:
        raise FieldErrors(errors)
    return clean


def parse_body(request, fields: Mapping[str, Field]) -> dict:
    return validate(read_json(request), fields)


# Value parsers -------------------------------------------------------------


def _is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) <= MAX_ID


def integer(value: Any) -> int:
    if not _is_integer(value):
        raise ValueError("Not a valid integer.")
    return value


def text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("Not a valid string.")
    if "\x00" in value:  # PostgreSQL cannot store it
        raise ValueError("Null characters are not allowed.")
    return value


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("Not a valid boolean.")
    return value


def json_object(value: Any) -> dict:
    """Any JSON object, kept as sent (e.g. a parameter type's structure)."""
    if not isinstance(value, dict):
        raise ValueError("Not a valid mapping type.")
    try:
        encoded = json.dumps(value, allow_nan=False)
    except ValueError:
        raise ValueError("NaN and Infinity are not valid JSON values.") from None
    if "\\u0000" in encoded:  # PostgreSQL cannot store it
        raise ValueError("Null characters are not allowed.")
    return value


def nullable(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else parse(value)


def name(value: Any) -> str:
    try:
        return clean_name(text(value))
    except InvalidInputError as error:
        raise ValueError(error.message) from None


def one_of(*choices: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if text(value) not in choices:
            raise ValueError(f"Must be one of: {', '.join(choices)}.")
        return value

    return parse


def id_list(value: Any) -> list[int]:
    if not isinstance(value, list):
        raise ValueError("Not a valid list.")
    for position, item in enumerate(value):
        if not _is_integer(item):
            raise ValueError(f"Item {position}: not a valid integer id.")
    return value


def object_of(fields: Mapping[str, Field]) -> Callable[[Any], dict]:
    """A nested object checked against ``fields``; its errors nest under the key."""
    return lambda value: validate(value, fields)


def list_of(fields: Mapping[str, Field]) -> Callable[[Any], list[dict]]:
    """A list of objects, each checked against ``fields``; errors keyed by position."""

    def parse(value: Any) -> list[dict]:
        if not isinstance(value, list):
            raise ValueError("Not a valid list.")
        items, errors = [], {}
        for position, item in enumerate(value):
            try:
                items.append(validate(item, fields))
            except FieldErrors as error:
                errors[str(position)] = error.errors
        if errors:
            raise FieldErrors(errors)
        return items

    return parse


# Query parameters -----------------------------------------------------------

TRUE_WORDS = {"true", "1", "on"}
FALSE_WORDS = {"false", "0", "off", ""}


def query_bool(request, key: str, *, default: bool = False) -> bool:
    """A boolean query parameter; the client sends Python's ``True``/``False``."""
    value = request.query_params.get(key)
    if value is None:
        return default
    if value.strip().lower() in TRUE_WORDS:
        return True
    if value.strip().lower() in FALSE_WORDS:
        return False
    raise FieldErrors({key: ["Not a valid boolean."]})


def query_int(
    request,
    key: str,
    *,
    default: int | None,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int | None:
    value = request.query_params.get(key)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or abs(number) > MAX_ID:
        raise FieldErrors({key: ["Not a valid integer."]})
    if minimum is not None and number < minimum:
        raise FieldErrors({key: [f"Must be >= {minimum}"]})
    if maximum is not None and number > maximum:
        raise FieldErrors({key: [f"Must be <= {maximum}"]})
    return number
