"""The task engine's type system (contract §1.9).

Types are built from the ``types`` section of an experiment description:

- simple types are just names (``null``, ``{}`` or ``{is_a: super}``), with
  single inheritance; the builtins ``any``, ``string``, ``integer`` (a subtype
  of ``number``), ``number``, ``boolean`` and ``null`` are simple types;
- structured types are ``{list: t}``, ``{tuple: [t, ...]}``, enumerated
  mappings ``{mapping: {key: t}}``, key/value mappings ``{mapping: [K, V]}``;
- unions are ``{union: [t, ...]}``.

A type reference inside a definition is a name or an inline (anonymous)
structured definition. :func:`infer_type` gives a literal's type and
:func:`is_compatible` says whether a value of one type may be passed where
another is expected.
"""

from collections.abc import Callable, Mapping
from typing import Any

BUILTIN_TYPE_NAMES = ("any", "string", "integer", "number", "boolean", "null")
STRUCTURE_KEYS = ("list", "tuple", "mapping", "union")


class Type:
    """A type; ``name`` is None for an anonymous (inline or inferred) type."""

    name: str | None = None

    def describe(self) -> str:
        """The type as a message shows it: its name, else its structure."""
        return self.name if self.name is not None else self.structure()

    def structure(self) -> str:
        return self.describe()

    def key(self) -> object:
        """A hashable identity: named types by name, anonymous ones by structure."""
        return ("named", self.name) if self.name is not None else self.structure_key()

    def structure_key(self) -> object:  # pragma: no cover - overridden
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.describe()}>"


class SimpleType(Type):
    def __init__(self, name: str, supertype: "SimpleType | None" = None):
        self.name = name
        self.supertype = supertype

    def structure(self) -> str:
        return self.name or "?"

    def structure_key(self) -> object:
        return ("simple", self.name)

    def is_subtype_of(self, other: "SimpleType") -> bool:
        current: SimpleType | None = self
        while current is not None:
            if current is other:
                return True
            current = current.supertype
        return False


class ListType(Type):
    def __init__(self, element: Type, name: str | None = None):
        self.element = element
        self.name = name

    def structure(self) -> str:
        return f"list[{self.element.describe()}]"

    def structure_key(self) -> object:
        return ("list", self.element.key())


class TupleType(Type):
    def __init__(self, elements: list[Type], name: str | None = None):
        self.elements = list(elements)
        self.name = name

    def structure(self) -> str:
        return "tuple[" + ", ".join(e.describe() for e in self.elements) + "]"

    def structure_key(self) -> object:
        return ("tuple", tuple(e.key() for e in self.elements))


class EnumMappingType(Type):
    """A mapping with exactly the given string keys."""

    def __init__(self, fields: Mapping[str, Type], name: str | None = None):
        self.fields = dict(fields)
        self.name = name

    def structure(self) -> str:
        return "mapping{" + ", ".join(f"{k}: {t.describe()}" for k, t in self.fields.items()) + "}"

    def structure_key(self) -> object:
        return ("enum", tuple(sorted((k, t.key()) for k, t in self.fields.items())))


class KeyValueMappingType(Type):
    def __init__(self, key_type: Type, value_type: Type, name: str | None = None):
        self.key_type = key_type
        self.value_type = value_type
        self.name = name

    def structure(self) -> str:
        return f"mapping[{self.key_type.describe()}, {self.value_type.describe()}]"

    def structure_key(self) -> object:
        return ("kv", self.key_type.key(), self.value_type.key())


class UnionType(Type):
    def __init__(self, members: list[Type], name: str | None = None):
        self.members = list(members)
        self.name = name

    def structure(self) -> str:
        return "union[" + " | ".join(m.describe() for m in self.members) + "]"

    def structure_key(self) -> object:
        return ("union", frozenset(m.key() for m in self.members))


def builtin_types() -> dict[str, Type]:
    number = SimpleType("number")
    return {
        "any": SimpleType("any"),
        "string": SimpleType("string"),
        "integer": SimpleType("integer", number),
        "number": number,
        "boolean": SimpleType("boolean"),
        "null": SimpleType("null"),
    }


# ---------------------------------------------------------------------------
# Building the named types of a description


def is_structure(definition: object) -> bool:
    return (
        isinstance(definition, dict)
        and len(definition) == 1
        and next(iter(definition)) in STRUCTURE_KEYS
    )


def referenced_type_names(definition: object) -> list[str]:
    """Every type name a definition (or type reference) mentions, in order."""
    names: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, str):
            names.append(node)
        elif isinstance(node, dict):
            if "is_a" in node:
                walk(node["is_a"])
            for key in STRUCTURE_KEYS:
                if key not in node:
                    continue
                value = node[key]
                if key == "mapping" and isinstance(value, dict):
                    for item in value.values():
                        walk(item)
                elif isinstance(value, list):
                    for item in value:
                        walk(item)
                else:
                    walk(value)

    walk(definition)
    return names


def union_duplicates(definition: object) -> list[str]:
    """Descriptions of duplicated union members anywhere in a definition."""
    found: list[str] = []

    def walk(node: object) -> None:
        if not isinstance(node, dict):
            return
        for key in STRUCTURE_KEYS:
            value = node.get(key)
            if key == "union" and isinstance(value, list):
                seen: list[object] = []
                for member in value:
                    if member in seen:
                        found.append(member if isinstance(member, str) else repr(member))
                    else:
                        seen.append(member)
            if isinstance(value, list):
                for item in value:
                    walk(item)
            elif isinstance(value, dict):
                if key == "mapping":
                    for item in value.values():
                        walk(item)
                else:
                    walk(value)

    walk(definition)
    return found


class TypeDefinitionError(Exception):
    pass


def build_types(definitions: Mapping[str, Any]) -> dict[str, Type]:
    """Named types: the builtins plus the description's ``types`` section.

    The definitions must already be free of undefined names and cycles (the
    validator checks that first); a remaining problem raises TypeDefinitionError.
    """
    registry: dict[str, Type] = builtin_types()
    building: set[str] = set()

    def named(name: str) -> Type:
        if name in registry:
            return registry[name]
        if name not in definitions:
            raise TypeDefinitionError(f"undefined type: {name}")
        if name in building:
            raise TypeDefinitionError(f"type definitions form a cycle through: {name}")
        building.add(name)
        definition = definitions[name]
        if definition is None or definition == {}:
            result: Type = SimpleType(name)
        elif isinstance(definition, dict) and "is_a" in definition:
            supertype = named(definition["is_a"])
            if not isinstance(supertype, SimpleType):
                raise TypeDefinitionError(
                    f'type "{name}": is_a must name a simple type, not {supertype.describe()}'
                )
            result = SimpleType(name, supertype)
        else:
            result = structured(definition, name)
        building.discard(name)
        registry[name] = result
        return result

    def reference(node: object) -> Type:
        if isinstance(node, str):
            return named(node)
        return structured(node, None)

    def structured(node: object, name: str | None) -> Type:
        if not is_structure(node):
            raise TypeDefinitionError(f"not a type definition: {node!r}")
        assert isinstance(node, dict)
        kind, value = next(iter(node.items()))
        if kind == "list":
            return ListType(reference(value), name)
        if kind == "tuple":
            return TupleType([reference(v) for v in value], name)
        if kind == "union":
            return UnionType([reference(v) for v in value], name)
        if isinstance(value, dict):
            return EnumMappingType({k: reference(v) for k, v in value.items()}, name)
        key_type, value_type = value
        return KeyValueMappingType(reference(key_type), reference(value_type), name)

    for type_name in definitions:
        named(type_name)
    return registry


# ---------------------------------------------------------------------------
# Inference and compatibility


def infer_type(
    value: object,
    registry: Mapping[str, Type],
    reference_type: Callable[[str], Type | None] | None = None,
) -> Type | None:
    """The type of a literal value, or None if it has none.

    ``reference_type`` gives the declared type of a reference string (it is
    handed the whole string, e.g. ``"$step.output"``) or returns None for a
    string that is not a reference. Without it every string is a ``string``.
    """
    if isinstance(value, str):
        if reference_type is not None:
            referenced = reference_type(value)
            if referenced is not None:
                return referenced
        return registry["string"]
    if isinstance(value, bool):
        return registry["boolean"]
    if isinstance(value, int):
        return registry["integer"]
    if isinstance(value, float):
        return registry["number"]
    if value is None:
        return registry["null"]
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            fields = {}
            for k, v in value.items():
                field_type = infer_type(v, registry, reference_type)
                if field_type is None:
                    return None
                fields[k] = field_type
            return EnumMappingType(fields)
        if all(isinstance(k, int) and not isinstance(k, bool) for k in value):
            members: list[Type] = []
            for v in value.values():
                member = infer_type(v, registry, reference_type)
                if member is None:
                    return None
                if all(member.key() != m.key() for m in members):
                    members.append(member)
            value_type = members[0] if len(members) == 1 else UnionType(members)
            return KeyValueMappingType(registry["integer"], value_type)
        return registry["any"]
    if isinstance(value, list | tuple):
        elements = []
        for item in value:
            element = infer_type(item, registry, reference_type)
            if element is None:
                return None
            elements.append(element)
        return TupleType(elements)
    return None


def is_compatible(actual: Type, expected: Type) -> bool:
    """Whether a value of type ``actual`` may be passed where ``expected`` is wanted."""
    if actual is expected:
        return True
    if isinstance(expected, SimpleType) and expected.name == "any":
        return True
    if isinstance(actual, SimpleType) and actual.name == "any":
        return False
    if isinstance(actual, UnionType):
        return all(is_compatible(member, expected) for member in actual.members)
    if isinstance(expected, UnionType):
        return any(is_compatible(actual, member) for member in expected.members)
    if isinstance(actual, SimpleType) or isinstance(expected, SimpleType):
        return (
            isinstance(actual, SimpleType)
            and isinstance(expected, SimpleType)
            and actual.is_subtype_of(expected)
        )
    if actual.name is not None and expected.name is not None and actual.name != expected.name:
        return False
    if isinstance(expected, ListType):
        if isinstance(actual, ListType):
            return is_compatible(actual.element, expected.element)
        if isinstance(actual, TupleType):
            return all(is_compatible(e, expected.element) for e in actual.elements)
        return False
    if isinstance(expected, TupleType):
        return (
            isinstance(actual, TupleType)
            and len(actual.elements) == len(expected.elements)
            and all(
                is_compatible(a, e) for a, e in zip(actual.elements, expected.elements, strict=True)
            )
        )
    if isinstance(expected, EnumMappingType):
        return (
            isinstance(actual, EnumMappingType)
            and actual.fields.keys() == expected.fields.keys()
            and all(is_compatible(actual.fields[k], expected.fields[k]) for k in actual.fields)
        )
    if isinstance(expected, KeyValueMappingType):
        if isinstance(actual, EnumMappingType):
            key_is_string = (
                isinstance(expected.key_type, SimpleType) and expected.key_type.name == "string"
            )
            return key_is_string and all(
                is_compatible(t, expected.value_type) for t in actual.fields.values()
            )
        if isinstance(actual, KeyValueMappingType):
            return is_compatible(actual.key_type, expected.key_type) and is_compatible(
                actual.value_type, expected.value_type
            )
        return False
    return False
