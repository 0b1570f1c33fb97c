"""The type system: definitions, inference from literals, compatibility (contract §1.9)."""

import pytest

from experiments.engine.types import (
    EnumMappingType,
    KeyValueMappingType,
    TupleType,
    UnionType,
    build_types,
    infer_type,
    is_compatible,
)

TYPES = build_types(
    {
        "NumpyArray": None,
        "Animal": {},
        "Dog": {"is_a": "Animal"},
        "Puppy": {"is_a": "Dog"},
        "Numbers": {"list": "number"},
        "Ints": {"list": "integer"},
        "OtherNumbers": {"list": "number"},
        "Pair": {"tuple": ["integer", "string"]},
        "Point": {"mapping": {"x": "number", "y": "number"}},
        "Table": {"mapping": ["string", "number"]},
        "IntKeys": {"mapping": ["integer", "any"]},
        "MaybeText": {"union": ["string", "null"]},
        "Scalar": {"union": ["integer", "boolean"]},
        "Nested": {"list": {"tuple": ["integer", {"union": ["string", "null"]}]}},
    }
)


def t(name):
    return TYPES[name]


def infer(value):
    return infer_type(value, TYPES)


COMPATIBLE = [
    ("integer", "number"),
    ("integer", "integer"),
    ("string", "any"),
    ("NumpyArray", "any"),
    ("Numbers", "any"),
    ("any", "any"),
    ("Dog", "Animal"),
    ("Puppy", "Animal"),
    ("null", "MaybeText"),
    ("string", "MaybeText"),
    ("Scalar", "Scalar"),
    ("Ints", "Ints"),
]
INCOMPATIBLE = [
    ("number", "integer"),
    ("any", "string"),
    ("any", "NumpyArray"),
    ("Animal", "Dog"),
    ("NumpyArray", "string"),
    ("string", "NumpyArray"),
    ("null", "string"),
    ("Numbers", "OtherNumbers"),
    ("Ints", "Numbers"),
    ("Numbers", "NumpyArray"),
    ("Table", "Point"),
]


@pytest.mark.parametrize(("actual", "expected"), COMPATIBLE)
def test_compatible(actual, expected):
    assert is_compatible(t(actual), t(expected))


@pytest.mark.parametrize(("actual", "expected"), INCOMPATIBLE)
def test_incompatible(actual, expected):
    assert not is_compatible(t(actual), t(expected))


def test_unions_on_either_side():
    assert not is_compatible(t("integer"), t("MaybeText"))
    assert is_compatible(t("Scalar"), UnionType([t("number"), t("boolean")]))
    assert not is_compatible(t("Scalar"), t("number"))
    assert not is_compatible(t("MaybeText"), t("string"))


def test_literal_inference():
    assert infer("x") is t("string")
    assert infer(True) is t("boolean")
    assert infer(3) is t("integer")
    assert infer(3.5) is t("number")
    assert infer(None) is t("null")
    assert infer([1, "a"]).describe() == "tuple[integer, string]"
    assert infer([]).describe() == "tuple[]"
    assert infer({"x": 1.0, "y": 2}).describe() == "mapping{x: number, y: integer}"
    assert infer({}).describe() == "mapping{}"
    assert infer({1: "a", 2: None, 3: "b"}).describe() == "mapping[integer, union[string | null]]"
    assert infer({1: "a"}).describe() == "mapping[integer, string]"
    assert infer({1: "a", "b": 2}) is t("any")
    assert infer(object()) is None


def test_references_take_their_declared_type():
    def reference_type(text):
        return t("NumpyArray") if text == "$arr" else None

    assert infer_type(["$arr", "$other"], TYPES, reference_type).describe() == (
        "tuple[NumpyArray, string]"
    )


def test_tuples_fit_lists_and_equal_length_tuples():
    assert is_compatible(infer([1, 2.5]), t("Numbers"))
    assert not is_compatible(infer([1, "a"]), t("Numbers"))
    assert is_compatible(infer([1, "a"]), t("Pair"))
    assert not is_compatible(infer([1, "a", 3]), t("Pair"))
    assert not is_compatible(infer(["a", 1]), t("Pair"))
    assert is_compatible(infer([[1, None], [2, "x"]]), t("Nested"))
    assert is_compatible(infer([]), t("Numbers"))


def test_mappings():
    assert is_compatible(infer({"x": 1, "y": 2.0}), t("Point"))
    assert not is_compatible(infer({"x": 1}), t("Point"))
    assert not is_compatible(infer({"x": 1, "y": 2, "z": 3}), t("Point"))
    assert is_compatible(infer({"a": 1, "b": 2.0}), t("Table"))
    assert not is_compatible(infer({"a": "x"}), t("Table"))
    assert not is_compatible(infer({"a": 1}), t("IntKeys")), "enumerated keys are strings"
    assert is_compatible(infer({1: "x"}), t("IntKeys"))
    assert not is_compatible(t("Table"), t("Point")), "key/value never fits enumerated"


def test_structured_types_with_different_names_never_fit():
    assert is_compatible(TupleType([t("integer")]), t("Numbers"))
    assert not is_compatible(t("Ints"), t("Numbers"))
    anonymous_points = EnumMappingType({"x": t("number"), "y": t("number")})
    assert is_compatible(anonymous_points, t("Point"))
    assert is_compatible(KeyValueMappingType(t("string"), t("integer")), t("Table"))


def test_builtins_and_subtyping():
    assert t("integer").supertype is t("number")
    assert t("Puppy").is_subtype_of(t("Animal"))
    assert t("Numbers").describe() == "Numbers"
    assert t("Nested").structure() == "list[tuple[integer, union[string | null]]]"
