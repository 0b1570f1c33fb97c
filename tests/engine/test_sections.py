"""Description sections from plain dicts (§1.1, §3.1), timeouts, and the pyplugs shim."""

import importlib.util
import sys
import textwrap

import pytest

from experiments.engine.process import COMPAT_DIR
from experiments.engine.sections import (
    ParameterCoercionError,
    artifact_inputs_section,
    coerce_parameter,
    parameters_section,
    plugin_module,
    tasks_section,
    types_section,
)
from experiments.engine.timeouts import format_timeout, parse_timeout


def test_parameters_section_coerces_defaults_and_types_only_scalars():
    section = parameters_section(
        [
            {"name": "s", "parameterType": "string", "defaultValue": "hi"},
            {"name": "b", "parameterType": "boolean", "defaultValue": "TRUE"},
            {"name": "f", "parameterType": "float", "defaultValue": "1e3"},
            {"name": "i", "parameterType": "integer", "defaultValue": "7"},
            {"name": "l", "parameterType": "list", "defaultValue": "[1, 2]"},
            {"name": "m", "parameterType": "mapping", "defaultValue": '{"a": 1}'},
            {"name": "nodefault", "parameterType": "integer", "defaultValue": None},
            {"name": "listnodefault", "parameterType": "list", "defaultValue": None},
            {"name": "p", "parameterType": "path", "defaultValue": "/x"},
        ]
    )
    assert section == {
        "s": {"default": "hi", "type": "string"},
        "b": {"default": True, "type": "boolean"},
        "f": {"default": 1000.0, "type": "number"},
        "i": {"default": 7, "type": "integer"},
        "l": {"default": [1, 2]},
        "m": {"default": {"a": 1}},
        "nodefault": {"type": "integer"},
        "listnodefault": {},
        "p": {"default": "/x", "type": "string"},
    }


@pytest.mark.parametrize(
    ("parameter_type", "text", "message"),
    [
        ("boolean", "yes", "is not a boolean"),
        ("integer", "1.0", "is not an integer"),
        ("float", "x", "is not a float"),
        ("list", '{"a": 1}', "is not a JSON list"),
        ("mapping", "[1]", "is not a JSON object"),
        ("mapping", "{bad", "is not a JSON object"),
        ("tensor", "x", "unknown parameter type"),
    ],
)
def test_coercion_errors_name_the_parameter(parameter_type, text, message):
    with pytest.raises(ParameterCoercionError) as info:
        coerce_parameter(parameter_type, text, name="p")
    assert message in str(info.value)
    assert str(info.value).startswith('parameter "p": ')


def test_special_floats_coerce():
    assert str(coerce_parameter("float", "nan")) == "nan"
    assert coerce_parameter("float", "-inf") == float("-inf")
    assert coerce_parameter("integer", None) is None


def test_tasks_section_long_inputs_single_or_list_outputs_later_plugin_wins():
    plugins = [
        {
            "name": "hello_world_plugin",
            "files": [
                {
                    "filename": "plugin_1.py",
                    "tasks": [
                        {"name": "hello_world"},
                        {
                            "name": "sample",
                            "inputs": [
                                {"name": "seed", "type": "integer"},
                                {"name": "size", "type": "integer", "required": False},
                            ],
                            "outputs": [{"name": "output", "type": "NumpyArray"}],
                        },
                    ],
                },
                {
                    "filename": "sub/deep.py",
                    "tasks": [
                        {
                            "name": "split",
                            "outputs": [
                                {"name": "a", "type": "any"},
                                {"name": "b", "type": "any"},
                            ],
                        }
                    ],
                },
            ],
        },
        {
            "name": "other",
            "files": [{"filename": "__init__.py", "tasks": [{"name": "hello_world"}]}],
        },
    ]
    assert tasks_section(plugins) == {
        "hello_world": {"plugin": "other.hello_world"},
        "sample": {
            "plugin": "hello_world_plugin.plugin_1.sample",
            "inputs": [
                {"name": "seed", "type": "integer", "required": True},
                {"name": "size", "type": "integer", "required": False},
            ],
            "outputs": {"output": "NumpyArray"},
        },
        "split": {
            "plugin": "hello_world_plugin.sub.deep.split",
            "outputs": [{"a": "any"}, {"b": "any"}],
        },
    }


def test_plugin_module_names():
    assert plugin_module("p", "x.py") == "p.x"
    assert plugin_module("p", "a/b/c.py") == "p.a.b.c"
    assert plugin_module("p", "__init__.py") == "p"
    assert plugin_module("p", "sub/__init__.py") == "p.sub"


def test_types_and_artifact_inputs_sections():
    assert types_section(
        [{"name": "string", "structure": None}, {"name": "NumpyArray", "structure": None}]
    ) == {"NumpyArray": None}
    assert artifact_inputs_section(
        [
            {"name": "one", "outputs": [{"name": "array", "type": "NumpyArray"}]},
            {
                "name": "two",
                "outputs": [{"name": "a", "type": "any"}, {"name": "b", "type": "any"}],
            },
        ]
    ) == {"one": {"array": "NumpyArray"}, "two": [{"a": "any"}, {"b": "any"}]}


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30m", 1800), ("24h", 86400), ("1d", 86400), ("90s", 90), ("3600", 3600), (60, 60)],
)
def test_parse_timeout(text, seconds):
    assert parse_timeout(text) == seconds


@pytest.mark.parametrize("text", ["1h30m", "", "h", "1.5h", "-1", "0", "10w", "ten", True])
def test_parse_timeout_rejects(text):
    with pytest.raises(ValueError, match="Invalid timeout"):
        parse_timeout(text)


def test_format_timeout():
    assert [format_timeout(s) for s in (1800, 86400, 7200, 90, 1, 0.5)] == [
        "30m",
        "1d",
        "2h",
        "90s",
        "1s",
        "0.5s",
    ]


@pytest.fixture
def pyplugs(tmp_path, monkeypatch):
    """The compat pyplugs loaded under another name (the real dioptra is installed here)."""
    spec = importlib.util.spec_from_file_location(
        "compat_pyplugs", COMPAT_DIR / "dioptra" / "pyplugs.py"
    )
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "compat_pyplugs", module)
    spec.loader.exec_module(module)
    package = tmp_path / "plugpkg"
    (package / "sub").mkdir(parents=True)
    (package / "tasks.py").write_text(
        textwrap.dedent(
            '''
            import compat_pyplugs as pyplugs

            @pyplugs.register(sort_value=2)
            def second():
                """Short.

                Longer text."""
                return 2

            @pyplugs.register()
            def first():
                return 1

            @pyplugs.register
            def add(a, b=0):
                return a + b

            def undecorated():
                return 0
            '''
        )
    )
    (package / "empty.py").write_text("X = 1\n")
    (package / "sub" / "mod.py").write_text(
        "import compat_pyplugs as pyplugs\n@pyplugs.register\ndef deep():\n    return 'deep'\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield module
    for name in [n for n in sys.modules if n.startswith("plugpkg")]:
        del sys.modules[name]


def test_pyplugs_lookup(pyplugs):
    assert pyplugs.split_task_id("a.b.c") == ("a", "b", "c")
    assert pyplugs.split_task_id("a.b") == ("", "a", "b")
    assert pyplugs.split_task_id("p.sub.mod.f") == ("p.sub", "mod", "f")
    assert pyplugs.call_task("plugpkg.tasks.add", 2, b=3) == 5
    assert pyplugs.get_task("plugpkg.sub.mod.deep")() == "deep"
    assert pyplugs.funcs("plugpkg", "tasks") == ["first", "add", "second"]
    assert pyplugs.call("plugpkg", "tasks") == 1
    info = pyplugs.info("plugpkg", "tasks", "second")
    assert (info.description, info.doc, info.sort_value) == ("Short.", "Longer text.", 2)
    assert pyplugs.exists("plugpkg", "tasks")
    assert not pyplugs.exists("plugpkg", "ghost")
    assert pyplugs.names("plugpkg") == ["tasks"]
    assert pyplugs.get_factory("plugpkg")("tasks", "add")(1) == 1


def test_pyplugs_errors(pyplugs):
    with pytest.raises(pyplugs.UnknownPluginFunctionError):
        pyplugs.get_task("plugpkg.tasks.undecorated")
    with pytest.raises(pyplugs.UnknownPluginError, match="Could not find any plug-in named"):
        pyplugs.get_task("plugpkg.empty.anything")
    with pytest.raises(pyplugs.UnknownPluginError):
        pyplugs.get_task("plugpkg.ghost.anything")
    with pytest.raises(pyplugs.UnknownPackageError):
        pyplugs.names("no_such_package_here")
