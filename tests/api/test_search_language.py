"""The search language's translation to LIKE patterns (the database side is
covered through the API in test_listing)."""

import pytest

from experiments.search import SearchParseError, like_pattern, parse_search


def patterns(text: str) -> list[tuple[str | None, str]]:
    return [(term.field, like_pattern(term)) for term in parse_search(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name:trial_??", [("name", "trial/___")]),
        ("search all for this", [(None, "%search%all%for%this%")]),
        ("*queue*", [(None, "%%%queue%%%")]),
        ("\\*", [(None, "%*%")]),
        ("'a, b', c", [(None, "%a, b%"), (None, "%c%")]),
        ("description:*mnist*,tag:cv", [("description", "%mnist%"), ("tag", "cv")]),
        ('field:"search all for this"', [("field", "search all for this")]),
        ("name:'100%'", [("name", "100/%")]),
        ("name:'a/b'", [("name", "a//b")]),
        ("name:line\\nbreak", [("name", "line\nbreak")]),
        ("name:a\\,b", [("name", "a,b")]),
        ("'it\\'s'", [(None, "%it's%")]),
        ("  name:x  ,  y  ", [("name", "x"), (None, "%y%")]),
    ],
)
def test_terms_become_like_patterns(text, expected):
    assert patterns(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "field:search all for this",
        "bad=assignment",
        "bad-name:classification",
        "description:bad_delim|tag:cv",
        '"forgot to close this quote',
        "\\q",
        "trailing,",
        "''",
        "name:",
    ],
)
def test_syntax_errors(text):
    with pytest.raises(SearchParseError) as raised:
        parse_search(text)
    assert raised.value.status == 422
    assert raised.value.detail["query"] == text
