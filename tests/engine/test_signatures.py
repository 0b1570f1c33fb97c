"""Static signature analysis for "Import function tasks" (contract §2.5)."""

import pytest

from experiments.engine.signatures import InvalidPythonError, analyze_signatures


def types_of(code: str) -> list[tuple[list[str], list[str]]]:
    return [
        ([i["type"] for i in task["inputs"]], [o["type"] for o in task["outputs"]])
        for task in analyze_signatures(code)
    ]


def test_the_sample_normal_tutorial_task():
    code = '''
import numpy as np
import structlog
from dioptra import pyplugs

LOGGER = structlog.get_logger()


@pyplugs.register
def sample_normal_distribution(
    random_seed: int = 0, mean: float = 0, var: float = 1, sample_size: int = 100
) -> np.ndarray:
    """Draw samples."""
    rng = np.random.default_rng(seed=random_seed)
    return rng.normal(loc=mean, scale=var ** 0.5, size=sample_size)


def helper(x: int) -> int:
    return x
'''
    assert analyze_signatures(code) == [
        {
            "name": "sample_normal_distribution",
            "inputs": [
                {"name": "random_seed", "type": "integer", "required": False},
                {"name": "mean", "type": "number", "required": False},
                {"name": "var", "type": "number", "required": False},
                {"name": "sample_size", "type": "integer", "required": False},
            ],
            "outputs": [{"name": "output", "type": "np_ndarray"}],
            "missing_types": [{"name": "np_ndarray", "description": "np.ndarray"}],
        }
    ]


@pytest.mark.parametrize(
    ("annotation", "name"),
    [
        ("np.ndarray", "np_ndarray"),
        ("Optional[str]", "optional_str"),
        ("str | None", "str_none"),
        ("List[Dict[str, Any]]", "list_dict_str_any"),
        ("Any", "any"),
        ("dict", "dict"),
        ("bytes", "bytes"),
        ("str", "string"),
        ("int", "integer"),
        ("float", "number"),
        ("bool", "boolean"),
        ("None", "null"),
        ("'pandas.DataFrame'", "pandas_dataframe"),
    ],
)
def test_type_name_derivation(annotation, name):
    code = f"from dioptra import pyplugs\n@pyplugs.register\ndef f(x: {annotation}): pass\n"
    assert types_of(code) == [([name], [])]


@pytest.mark.parametrize(
    "decorators",
    [
        "import dioptra\n@dioptra.pyplugs.register",
        "import dioptra.pyplugs\n@dioptra.pyplugs.register()",
        "from dioptra import pyplugs\n@pyplugs.register(sort_value=3)",
        "import dioptra.pyplugs as foo\n@foo.register",
        "from dioptra.pyplugs import register\n@register",
        "from dioptra.pyplugs import register as r\n@r()",
        "from dioptra import pyplugs as pp\n@staticmethod\n@pp.register",
    ],
)
def test_decorators_resolve_through_import_aliases(decorators):
    code = f"{decorators}\ndef task(): pass\n"
    assert [t["name"] for t in analyze_signatures(code)] == ["task"]


@pytest.mark.parametrize(
    "code",
    [
        "import aaa\n@aaa.register\ndef task(): pass\n",
        "@pyplugs.register\ndef task(): pass\n",
        "from . import pyplugs\n@pyplugs.register\ndef task(): pass\n",
        "from dioptra import pyplugs\n@pyplugs.register\nasync def task(): pass\n",
        "from dioptra import pyplugs\nclass A:\n    @pyplugs.register\n    def task(self): pass\n",
        "from dioptra import pyplugs\ndef outer():\n    @pyplugs.register\n    def task(): pass\n",
    ],
    ids=["other module", "not imported", "relative", "async", "method", "nested"],
)
def test_things_that_are_not_tasks(code):
    assert analyze_signatures(code) == []


def test_a_later_import_only_affects_later_functions():
    code = (
        "from dioptra.pyplugs import register\n"
        "@register\ndef first(): pass\n"
        "from other import register\n"
        "@register\ndef second(): pass\n"
    )
    assert [t["name"] for t in analyze_signatures(code)] == ["first"]


def test_inputs_cover_all_parameter_kinds_in_order():
    code = (
        "from dioptra import pyplugs\n"
        "@pyplugs.register\n"
        "def f(a: int, /, b: str, c: float = 1.0, *args, d: bool, e: int = 2, **kwargs) -> None:\n"
        "    pass\n"
    )
    (task,) = analyze_signatures(code)
    assert [(i["name"], i["type"], i["required"]) for i in task["inputs"]] == [
        ("a", "integer", True),
        ("b", "string", True),
        ("c", "number", False),
        ("d", "boolean", True),
        ("e", "integer", False),
    ]
    assert task["outputs"] == []
    assert task["missing_types"] == []


def test_fallback_names_skip_derived_names_and_are_reused():
    code = (
        "from dioptra import pyplugs\n"
        "@pyplugs.register\n"
        "def f(arg1: foo(2), arg2: Type1) -> foo(2):\n"
        "    pass\n"
    )
    (task,) = analyze_signatures(code)
    assert [i["type"] for i in task["inputs"]] == ["type2", "type1"]
    assert task["outputs"] == [{"name": "output", "type": "type2"}]
    assert task["missing_types"] == [
        {"name": "type2", "description": "foo(2)"},
        {"name": "type1", "description": "Type1"},
    ]


def test_missing_annotations_get_a_generated_name():
    code = "from dioptra import pyplugs\n@pyplugs.register\ndef f(x, y: '1abc') -> list: pass\n"
    (task,) = analyze_signatures(code)
    assert [i["type"] for i in task["inputs"]] == ["type1", "type2"]
    assert task["outputs"] == [{"name": "output", "type": "list"}]
    assert {"name": "type1", "description": None} in task["missing_types"]


def test_invalid_python_names_its_line():
    with pytest.raises(InvalidPythonError) as info:
        analyze_signatures("x = 1\ndef f(:\n    pass\n")
    assert info.value.line == 2
    assert "line 2" in str(info.value)
