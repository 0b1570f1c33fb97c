"""Every validation rule (contract §1.2, §1.7, §1.9) with a failing and a passing example."""

import copy
import datetime

import pytest

from experiments.engine.validation import Issue, is_valid, parse_yaml, validate, validate_yaml_text


def base() -> dict:
    return {
        "types": {"NumpyArray": None, "Table": {"mapping": ["string", "any"]}},
        "parameters": {
            "seed": {"type": "integer", "default": 0},
            "mean": {"type": "number"},
            "label": "hello",
        },
        "tasks": {
            "sample": {
                "plugin": "p.m.sample",
                "inputs": [
                    {"name": "seed", "type": "integer", "required": True},
                    {"name": "mean", "type": "number"},
                    {"name": "size", "type": "integer", "required": False},
                ],
                "outputs": {"output": "NumpyArray"},
            },
            "stats": {"plugin": "p.m.stats", "inputs": [{"data": "NumpyArray"}]},
            "split": {
                "plugin": "p.m.split",
                "inputs": [{"name": "data", "type": "NumpyArray"}],
                "outputs": [{"left": "NumpyArray"}, {"right": "NumpyArray"}],
            },
            "noop": {"plugin": "p.m.noop"},
            "show": {"plugin": "p.show", "inputs": [{"name": "text", "type": "string"}]},
        },
        "graph": {
            "draw": {"sample": {"seed": "$seed", "mean": "$mean"}},
            "log": {"stats": ["$draw.output"]},
            "halves": {"task": "split", "args": ["$draw"], "dependencies": ["log"]},
            "log_left": {"stats": "$halves.left"},
            "nothing": {"task": "noop", "dependencies": "log_left"},
            "say": {"show": {"text": "$label"}},
        },
        "artifact_outputs": {
            "saved": {"contents": "$halves.right", "task": {"name": "Saver", "args": {"fmt": "a"}}}
        },
        "artifact_inputs": {"previous": {"array": "NumpyArray"}},
    }


def issues_of(description, **kwargs) -> list[Issue]:
    return validate(description, **kwargs)


def errors(description, **kwargs) -> list[Issue]:
    return [i for i in validate(description, **kwargs) if i.severity == "ERROR"]


def changed(change) -> dict:
    description = base()
    change(description)
    return description


def test_the_base_description_is_valid():
    assert validate(base()) == []
    assert validate(base(), artifact_tasks={"Saver": {"fmt": {"enum": ["a", "b"]}}}) == []


def test_issue_text_and_dict_shape():
    issue = Issue("SEMANTIC", "ERROR", "unrecognized task plugin: x", "s")
    assert str(issue) == "semantic.error: unrecognized task plugin: x"
    assert issue.as_dict() == {
        "type": "semantic",
        "severity": "error",
        "message": "unrecognized task plugin: x",
        "step": "s",
    }
    assert not is_valid([issue])
    assert is_valid([Issue("TYPE", "WARNING", "w")])


# --- structure (SCHEMA) -------------------------------------------------------------------------

SCHEMA_CASES = [
    ("not a mapping", lambda d: d.clear() or d.update({"x": 1}), "unexpected top-level key"),
    ("missing tasks", lambda d: d.pop("tasks"), 'the "tasks" section is required'),
    ("missing graph", lambda d: d.pop("graph"), 'the "graph" section is required'),
    ("empty graph", lambda d: d.update(graph={}), 'the "graph" section needs at least one'),
    ("graph not a mapping", lambda d: d.update(graph=None), 'the "graph" section must be'),
    ("bad type def", lambda d: d["types"].update(T={"list": "x", "tuple": []}), 'type "T"'),
    ("bare-name type def", lambda d: d["types"].update(T="string"), "cannot be just a name"),
    ("kv mapping needs 2", lambda d: d["types"].update(T={"mapping": ["string"]}), "exactly two"),
    ("param extra key", lambda d: d["parameters"].update(p={"kind": 1}), 'unexpected key "kind"'),
    ("param empty", lambda d: d["parameters"].update(p={}), 'needs a "type" or a "default"'),
    ("param type not str", lambda d: d["parameters"].update(p={"type": 3}), "type must be"),
    ("task no plugin", lambda d: d["tasks"]["noop"].pop("plugin"), '"plugin" must be'),
    ("plugin too short", lambda d: d["tasks"]["noop"].update(plugin="p."), '"plugin" must be'),
    ("task extra key", lambda d: d["tasks"]["noop"].update(x=1), 'unexpected key "x"'),
    ("inputs not list", lambda d: d["tasks"]["stats"].update(inputs={"a": "b"}), "must be a list"),
    (
        "short input 2 keys",
        lambda d: d["tasks"]["stats"].update(inputs=[{"a": "string", "b": "string"}]),
        "short-form input",
    ),
    (
        "long input no type",
        lambda d: d["tasks"]["stats"].update(inputs=[{"name": "a"}]),
        "needs a type name",
    ),
    (
        "required not bool",
        lambda d: d["tasks"]["stats"].update(
            inputs=[{"name": "a", "type": "string", "required": "no"}]
        ),
        "required must be true or false",
    ),
    (
        "output 2 keys",
        lambda d: d["tasks"]["noop"].update(outputs={"a": "string", "b": "string"}),
        "an output is one",
    ),
    ("step not mapping", lambda d: d["graph"].update(s=["stats"]), 'step "s": a step must be'),
    ("mixed extra key", lambda d: d["graph"]["nothing"].update(extra=1), 'unexpected key "extra"'),
    ("kwargs not mapping", lambda d: d["graph"]["nothing"].update(kwargs=[1]), "kwargs must be"),
    ("args a mapping", lambda d: d["graph"]["nothing"].update(args={"a": 1}), "args must be"),
    ("task not str", lambda d: d["graph"]["nothing"].update(task=5), "task must be a task name"),
    ("bad deps", lambda d: d["graph"]["nothing"].update(dependencies=[1]), "dependencies must"),
    (
        "artifact no contents",
        lambda d: d["artifact_outputs"]["saved"].pop("contents"),
        "contents must be a string",
    ),
    (
        "artifact kwargs key",
        lambda d: d["artifact_outputs"]["saved"]["task"].update(kwargs={}),
        'unexpected key "kwargs"',
    ),
    (
        "artifact list args",
        lambda d: d["artifact_outputs"]["saved"]["task"].update(args=["csv", False]),
        "args must be a mapping",
    ),
    (
        "artifact input bad outputs",
        lambda d: d["artifact_inputs"].update(previous=[]),
        "needs at least one output",
    ),
]


@pytest.mark.parametrize(
    ("label", "change", "text"), SCHEMA_CASES, ids=[c[0] for c in SCHEMA_CASES]
)
def test_structure_errors(label, change, text):
    found = validate(changed(change))
    assert found, label
    assert all(issue.type == "SCHEMA" for issue in found), found
    assert any(text in issue.message for issue in found), found


def test_a_description_must_be_a_mapping():
    (issue,) = validate(["graph"])
    assert issue.type == "SCHEMA"
    assert "must be a mapping, not a list" in issue.message


def test_structure_errors_stop_further_checks():
    description = changed(lambda d: d["graph"].update(s=["stats"], t={"nope": []}))
    assert {issue.type for issue in validate(description)} == {"SCHEMA"}


def test_step_structure_issue_names_its_step():
    (issue,) = validate(changed(lambda d: d["graph"].update(s=["stats"])))
    assert issue.step == "s"


def test_artifact_task_names_are_checked_when_known():
    known = {"Saver": None}
    assert validate(base(), artifact_tasks=known) == []
    (issue,) = validate(base(), artifact_tasks={"Other": None})
    assert issue.type == "SCHEMA"
    assert "'Saver' is not one of ['Other']" in issue.message
    # Server-side validation without knowledge of the handlers does not check names.
    assert validate(base()) == []


def test_artifact_args_are_checked_against_the_handler_validation_properties():
    properties = {"Saver": {"fmt": {"type": "string", "enum": ["txt", "html"]}}}
    (issue,) = validate(base(), artifact_tasks=properties)
    assert "'a' is not one of ['txt', 'html']" in issue.message
    ok = changed(lambda d: d["artifact_outputs"]["saved"]["task"].update(args={"fmt": "txt"}))
    assert validate(ok, artifact_tasks=properties) == []
    typed = {"Saver": {"fmt": {"type": "integer"}}}
    (issue,) = validate(base(), artifact_tasks=typed)
    assert "is not of type 'integer'" in issue.message


# --- meaning (SEMANTIC) -------------------------------------------------------------------------

SEMANTIC_CASES = [
    ("non-string name", lambda d: d["parameters"].update({1: 5}), "names must be strings"),
    ("blank name", lambda d: d["parameters"].update({" ": 5}), "must not be empty or blank"),
    ("dot in param", lambda d: d["parameters"].update({"a.b": 5}), 'must not contain "."'),
    (
        "dot in step",
        lambda d: d["graph"].update({"a.b": {"task": "noop"}}),
        'step names must not contain "."',
    ),
    ("builtin redefined", lambda d: d["types"].update(string={}), "may not be redefined"),
    (
        "duplicate input",
        lambda d: d["tasks"]["stats"]["inputs"].append({"data": "NumpyArray"}),
        'duplicate input name "data"',
    ),
    (
        "duplicate output",
        lambda d: d["tasks"]["split"]["outputs"].append({"left": "NumpyArray"}),
        'duplicate output name "left"',
    ),
    (
        "undefined input type",
        lambda d: d["tasks"]["stats"].update(inputs=[{"data": "Tensor"}]),
        'undefined type "Tensor"',
    ),
    (
        "undefined output type",
        lambda d: d["tasks"]["noop"].update(outputs={"o": "Tensor"}),
        'undefined type "Tensor"',
    ),
    ("plugin id no dot", lambda d: d["tasks"]["noop"].update(plugin="noop"), "invalid plugin id"),
    ("plugin id empty part", lambda d: d["tasks"]["noop"].update(plugin="a..b"), "invalid plugin"),
    (
        "two task keys",
        lambda d: d["graph"].update(s={"stats": [], "noop": []}),
        "must have exactly one key",
    ),
    ("no task key", lambda d: d["graph"].update(s={"dependencies": []}), "exactly one key"),
    ("collision", lambda d: d["parameters"].update(draw=1), "may not share a name"),
    ("unknown task", lambda d: d["graph"].update(s={"nope": []}), "unrecognized task plugin: nope"),
    (
        "too many positional",
        lambda d: d["graph"].update(s={"noop": None}),
        "more positional args given than task parameters: 1 > 0",
    ),
    (
        "unknown keyword",
        lambda d: d["graph"].update(s={"stats": {"dta": "$draw"}}),
        'unrecognized keyword argument "dta"',
    ),
    (
        "positional and keyword",
        lambda d: d["graph"].update(s={"task": "stats", "args": ["$draw"], "kwargs": {"data": 1}}),
        'input "data" is given both positionally and by keyword',
    ),
    (
        "missing required",
        lambda d: d["graph"].update(s={"sample": {"seed": 1}}),
        "missing required task inputs: mean",
    ),
    ("unresolvable", lambda d: d["graph"]["log"].update(stats=["$drew"]), "unresolvable reference"),
    (
        "param with output",
        lambda d: d["graph"]["say"].update(show=["$label.x"]),
        "references to parameters may not include an output name",
    ),
    (
        "step without outputs",
        lambda d: d["graph"]["say"].update(show=["$nothing"]),
        "referenced step produces no output: $nothing",
    ),
    (
        "multi-output bare",
        lambda d: d["graph"]["log"].update(stats=["$halves"]),
        "an output name must be given when referring to a step with more than one output",
    ),
    (
        "unknown output",
        lambda d: d["graph"]["log"].update(stats=["$draw.out"]),
        'unrecognized output of step "draw": out',
    ),
    (
        "unknown artifact output",
        lambda d: d["graph"]["log"].update(stats=["$previous.x"]),
        'unrecognized output of artifact parameter "previous": x',
    ),
    (
        "unknown dependency",
        lambda d: d["graph"]["nothing"].update(dependencies=["later"]),
        "unknown dependency step: later",
    ),
    (
        "bad artifact contents",
        lambda d: d["artifact_outputs"]["saved"].update(contents="$ghost"),
        "unresolvable reference: $ghost",
    ),
    (
        "cycle",
        lambda d: d["graph"].update(
            a={"stats": ["$b"]}, b={"sample": [1, 1.0], "dependencies": "a"}
        ),
        "Step cycle detected: ",
    ),
    (
        "param undefined type",
        lambda d: d["parameters"].update(p={"type": "Tensor"}),
        'parameter "p": undefined type "Tensor"',
    ),
    (
        "param without a type",
        lambda d: d["parameters"].update(p={"default": datetime.date(2024, 1, 1)}),
        "unable to obtain a type",
    ),
    (
        "artifact input undefined type",
        lambda d: d["artifact_inputs"].update(previous={"array": "Tensor"}),
        'undefined type "Tensor"',
    ),
    (
        "type undefined ref",
        lambda d: d["types"].update(T={"list": "Nope"}),
        'undefined type "Nope"',
    ),
    (
        "type cycle",
        lambda d: d["types"].update(A={"list": "B"}, B={"tuple": ["A"]}),
        "type definitions form a cycle",
    ),
    (
        "is_a a structure",
        lambda d: d["types"].update(Sub={"is_a": "Table"}),
        "is_a must name a simple type",
    ),
]


@pytest.mark.parametrize(
    ("label", "change", "text"), SEMANTIC_CASES, ids=[c[0] for c in SEMANTIC_CASES]
)
def test_semantic_errors(label, change, text):
    found = errors(changed(change))
    assert found, label
    assert all(issue.type == "SEMANTIC" for issue in found), found
    assert any(text in issue.message for issue in found), found


def test_a_cycle_names_its_steps_in_order():
    description = changed(
        lambda d: d["graph"].update(a={"stats": ["$b"]}, b={"sample": [1, 1], "dependencies": "a"})
    )
    (issue,) = errors(description)
    assert issue.message == "Step cycle detected: a > b > a"
    assert issue.step == "a"


def test_step_issues_name_their_step():
    (issue,) = errors(changed(lambda d: d["graph"].update(s={"nope": []})))
    assert issue.step == "s"
    assert issue.message == 'in step "s": unrecognized task plugin: nope'


def test_optional_inputs_may_be_left_out_but_short_form_inputs_are_required():
    assert errors(changed(lambda d: d["graph"].update(s={"sample": [1, 2.0]}))) == []
    (issue,) = errors(changed(lambda d: d["graph"].update(s={"task": "stats"})))
    assert "missing required task inputs: data" in issue.message


@pytest.mark.parametrize(
    "step",
    [{"task": "noop"}, {"noop": []}, {"noop": {}}],
    ids=["mixed", "empty list", "empty mapping"],
)
def test_no_input_invocations(step):
    assert errors(changed(lambda d: d["graph"].update(s=step))) == []


def test_dependencies_and_task_keys_are_never_task_names():
    def change(d):
        d["tasks"]["dependencies"] = {"plugin": "p.m.dependencies"}
        d["tasks"]["task"] = {"plugin": "p.m.task"}
        d["graph"]["s"] = {"dependencies": [], "noop": []}
        d["graph"]["t"] = {"task": "task"}

    assert errors(changed(change)) == []


def test_unknown_tasks_gate_invocation_checks():
    description = changed(lambda d: d["graph"].update(s={"nope": []}, t={"noop": None}))
    messages = [issue.message for issue in errors(description)]
    assert messages == ['in step "s": unrecognized task plugin: nope']


def test_collisions_gate_reference_checks():
    description = changed(
        lambda d: (d["parameters"].update(draw=1), d["graph"]["log"].update(stats=["$ghost"]))
    )
    messages = [issue.message for issue in errors(description)]
    assert messages == ['a parameter and a step may not share a name: "draw"']


def test_references_to_artifact_inputs_and_escapes_are_fine():
    def change(d):
        d["graph"]["log"]["stats"] = ["$previous"]
        d["graph"]["say"]["show"] = {"text": "$$not a reference"}

    assert validate(changed(change)) == []


def test_references_inside_nested_arguments_are_checked_but_keys_are_not():
    def change(d):
        d["tasks"]["show"]["inputs"] = [{"name": "text", "type": "any"}]
        d["graph"]["say"]["show"] = {"text": {"$key": ["$ghost"]}}

    (issue,) = errors(changed(change))
    assert "unresolvable reference: $ghost" in issue.message


# --- types (TYPE) -------------------------------------------------------------------------------


def test_parameter_default_must_fit_its_declared_type():
    description = changed(
        lambda d: d["parameters"].update(seed={"type": "integer", "default": "x"})
    )
    (issue,) = errors(description)
    assert issue.type == "TYPE"
    assert 'parameter "seed": default value' in issue.message
    assert "incompatible with its declared type" in issue.message
    ok = changed(lambda d: d["parameters"].update(mean={"type": "number", "default": 1}))
    assert errors(ok) == []


def test_a_bad_default_skips_the_step_checks():
    def change(d):
        d["parameters"]["seed"] = {"type": "integer", "default": "x"}
        d["graph"]["say"]["show"] = {"text": 5}

    assert [i.message.split(":")[0] for i in errors(changed(change))] == ['parameter "seed"']


def test_argument_types_must_fit_task_inputs():
    description = changed(lambda d: d["graph"]["say"].update(show={"text": 5}))
    (issue,) = errors(description)
    assert issue.type == "TYPE"
    assert issue.step == "say"
    assert issue.message == (
        'in step "say": in keyword argument "text": Inferred invocation arg type and task '
        "plugin input type are incompatible. Found integer; expected string"
    )


def test_positional_argument_types_are_checked():
    (issue,) = errors(changed(lambda d: d["graph"]["say"].update(show=[True])))
    assert "in positional argument 0" in issue.message
    assert "Found boolean; expected string" in issue.message


def test_literal_integer_fits_number_but_float_parameter_does_not_fit_integer():
    ok = changed(lambda d: d["graph"]["draw"].update(sample={"seed": 1, "mean": 10}))
    assert errors(ok) == []
    bad = changed(lambda d: d["graph"]["draw"].update(sample={"seed": "$mean", "mean": 1.0}))
    (issue,) = errors(bad)
    assert "Found number; expected integer" in issue.message


def test_parameter_type_is_inferred_from_its_default():
    ok = changed(lambda d: d["graph"]["say"].update(show=["$label"]))
    assert errors(ok) == []
    bad = changed(lambda d: d["graph"]["draw"]["sample"].update(seed="$label"))
    (issue,) = errors(bad)
    assert "Found string; expected integer" in issue.message


def test_null_literal_fits_only_null_any_or_a_union_with_null():
    def with_input(type_name):
        def change(d):
            d["types"]["MaybeText"] = {"union": ["string", "null"]}
            d["tasks"]["show"]["inputs"] = [{"name": "text", "type": type_name}]
            d["graph"]["say"]["show"] = [None]

        return changed(change)

    assert errors(with_input("null")) == []
    assert errors(with_input("any")) == []
    assert errors(with_input("MaybeText")) == []
    assert "Found null; expected string" in errors(with_input("string"))[0].message


def test_an_any_output_cannot_feed_a_string_input():
    def change(d):
        d["tasks"]["noop"]["outputs"] = {"output": "any"}
        d["graph"]["say"]["show"] = ["$nothing.output"]
        d["graph"]["nothing"].pop("dependencies")

    (issue,) = errors(changed(change))
    assert "Found any; expected string" in issue.message


def test_list_parameter_default_infers_a_tuple():
    def with_input(structure):
        def change(d):
            d["types"]["Numbers"] = structure
            d["parameters"]["values"] = {"default": [1, 2]}
            d["tasks"]["show"]["inputs"] = [{"name": "text", "type": "Numbers"}]
            d["graph"]["say"]["show"] = ["$values"]

        return changed(change)

    assert errors(with_input({"list": "number"})) == []
    assert errors(with_input({"tuple": ["integer", "integer"]})) == []
    (issue,) = errors(with_input({"tuple": ["integer"]}))
    assert "Found tuple[integer, integer]; expected Numbers" in issue.message


def test_type_checks_are_skipped_when_there_are_semantic_errors():
    def change(d):
        d["graph"]["say"]["show"] = {"text": 5}
        d["graph"]["s"] = {"nope": []}

    assert {issue.type for issue in errors(changed(change))} == {"SEMANTIC"}


def test_duplicated_union_members_only_warn():
    description = changed(lambda d: d["types"].update(U={"union": ["string", "string"]}))
    (issue,) = validate(description)
    assert (issue.type, issue.severity) == ("TYPE", "WARNING")
    assert "union member listed more than once: string" in issue.message
    assert is_valid([issue])


# --- YAML ---------------------------------------------------------------------------------------


def test_yaml_syntax_errors_name_their_line():
    data, (issue,) = parse_yaml("step:\n  task: a\n  args: [1, 2\n")
    assert data is None
    assert issue.type == "SYNTAX"
    assert "line 4" in issue.message or "line 3" in issue.message
    _, (issue,) = parse_yaml("a: b\n c: d\n")
    assert "on line 2" in issue.message


def test_yaml_1_1_quirks_through_safe_load():
    data, issues = parse_yaml(
        "a: on\nb: off\nc: yes\nd: no\ne: 1e3\nf: 1.0e+3\ng: 010\nh: ~\ni: 2024-01-02\nj: 0x10\n"
    )
    assert issues == []
    assert data == {
        "a": True,
        "b": False,
        "c": True,
        "d": False,
        "e": "1e3",
        "f": 1000.0,
        "g": 8,
        "h": None,
        "i": datetime.date(2024, 1, 2),
        "j": 16,
    }


def test_validate_yaml_text_checks_the_texts_with_the_other_sections():
    description = base()
    sections = {
        k: copy.deepcopy(description[k])
        for k in ("types", "parameters", "tasks", "artifact_inputs")
    }
    graph = "draw:\n  sample: {seed: $seed, mean: 1.5}\nlog:\n  stats: [$draw.output]\n"
    assert validate_yaml_text(graph, None, **sections) == []
    artifact_graph = "saved:\n  contents: $draw\n  task: {name: Saver}\n"
    assert validate_yaml_text(graph, artifact_graph, **sections) == []
    (issue,) = validate_yaml_text(graph + "  - oops: [\n", None, **sections)
    assert issue.type == "SYNTAX"
    (issue,) = validate_yaml_text(graph, "saved: {contents: $draw, task: [\n", **sections)
    assert issue.message.startswith("artifact output graph: invalid YAML")
    (issue,) = validate_yaml_text("", None, **sections)
    assert issue.type == "SCHEMA"


def test_a_yaml_date_argument_cannot_be_typed():
    def change(d):
        d["graph"]["say"]["show"] = [datetime.date(2024, 1, 2)]

    (issue,) = errors(changed(change))
    assert "unable to infer a type" in issue.message
