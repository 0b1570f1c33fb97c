"""Step invocation styles, references, execution order and outputs (contract §1.3–§1.6)."""

import logging

import pytest
import yaml

from experiments.engine.errors import (
    ArtifactOutputNotFoundError,
    IllegalOutputReferenceError,
    NonIterableTaskOutputError,
    NoStepOutputError,
    OutputNotFoundError,
    ParameterOutputReferenceError,
    StepNotFoundError,
    StepReferenceCycleError,
    UnresolvableReferenceError,
)
from experiments.engine.graph import (
    Invocation,
    Scope,
    invocation,
    is_reference,
    iter_references,
    parse_reference,
    step_order,
    step_outputs,
)

SAMPLE_AND_TRANSFORM = """
draw_samples:
  sample_normal_distribution:
    random_seed: $random_seed
    mean: $mean
    var: $var
    sample_size: $sample_size
log_stats_1:
  sample_stats:
    - $draw_samples.output
add_noise_step:
  add_noise:
    input_array: $draw_samples.output
    random_seed: $random_seed
log_stats_2:
  sample_stats: [$add_noise_step.output]
transform_step:
  square: [$add_noise_step.output]
log_stats_3:
  sample_stats: [$transform_step.output]
"""
PARAMETERS = {"random_seed": 0, "mean": 0.0, "var": 1.0, "sample_size": 100}


def test_the_tutorial_graph_runs_in_the_documented_order():
    graph = yaml.safe_load(SAMPLE_AND_TRANSFORM)
    assert step_order(graph, PARAMETERS) == [
        "draw_samples",
        "log_stats_1",
        "add_noise_step",
        "log_stats_2",
        "transform_step",
        "log_stats_3",
    ]


def test_order_follows_graphlib_fifo_batches_not_yaml_order():
    graph = yaml.safe_load(SAMPLE_AND_TRANSFORM)
    reversed_graph = dict(reversed(list(graph.items())))
    assert step_order(reversed_graph, PARAMETERS) == [
        "draw_samples",
        "add_noise_step",
        "log_stats_1",
        "transform_step",
        "log_stats_2",
        "log_stats_3",
    ]


def test_independent_steps_run_before_later_dependents():
    graph = {"b": {"t": ["$a"]}, "a": {"t": []}, "c": {"t": []}}
    assert step_order(graph) == ["a", "c", "b"]


def test_explicit_dependencies_order_steps_and_parameter_references_do_not():
    graph = {"first": {"t": ["$p"]}, "second": {"task": "t", "dependencies": "third"}, "third": {}}
    graph["third"] = {"t": []}
    assert step_order(graph, {"p": 1}) == ["first", "third", "second"]


def test_a_parameter_named_like_a_step_adds_no_edge():
    graph = {"x": {"t": ["$y"]}, "y": {"t": []}}
    assert step_order(graph, {"y": 1}) == ["x", "y"]
    assert step_order(graph, {}) == ["y", "x"]


def test_unknown_dependency_and_cycles_raise():
    with pytest.raises(StepNotFoundError) as info:
        step_order({"a": {"task": "t", "dependencies": ["ghost"]}})
    assert str(info.value) == 'In step "a": Step not found: ghost'
    with pytest.raises(StepReferenceCycleError) as info:
        step_order({"a": {"t": ["$b.output"]}, "b": {"t": ["$a"]}})
    assert str(info.value) == "Step cycle detected: a > b > a"


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        ({"t": [1, 2]}, Invocation("t", [1, 2], {}, [], "positional")),
        ({"t": 5}, Invocation("t", [5], {}, [], "positional")),
        ({"t": None}, Invocation("t", [None], {}, [], "positional")),
        ({"t": []}, Invocation("t", [], {}, [], "positional")),
        ({"t": {"a": 1}}, Invocation("t", [], {"a": 1}, [], "keyword")),
        ({"t": {}}, Invocation("t", [], {}, [], "keyword")),
        ({"task": "t"}, Invocation("t", [], {}, [], "mixed")),
        ({"task": "t", "args": 3, "kwargs": {"b": 2}}, Invocation("t", [3], {"b": 2}, [], "mixed")),
        ({"t": [], "dependencies": "x"}, Invocation("t", [], {}, ["x"], "positional")),
        ({"dependencies": [], "task": "dependencies"}, Invocation("dependencies", style="mixed")),
    ],
)
def test_invocation_styles(step, expected):
    assert invocation(step) == expected


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("$a", True),
        ("$a.output", True),
        ("$", False),
        ("$$a", False),
        ("$$", False),
        ("x $a", False),
        ("a$", False),
        ("", False),
    ],
)
def test_what_is_a_reference(text, reference):
    assert is_reference(text) is reference


def test_references_split_once_and_are_found_in_values_only():
    assert parse_reference("$a") == ("a", None)
    assert parse_reference("$step.a.b") == ("step", "a.b")
    found = list(iter_references([1, "$a", {"$key": ["$b", {"k": "$c"}]}, "$$d"]))
    assert found == ["$a", "$b", "$c"]


def scope() -> Scope:
    return Scope(
        parameters={"p": 10},
        steps={"one": {"output": 1}, "two": {"a": 2, "b": 3}, "none": {}},
        step_declarations={"one": ["output"], "two": ["a", "b"], "none": []},
        artifacts={"art": {"data": "bytes"}, "pair": {"x": 1, "y": 2}},
        artifact_declarations={"art": ["data"], "pair": ["x", "y"]},
    )


def test_resolution_walks_lists_and_mapping_values_and_undoes_escapes():
    value = {"$keep": ["$p", "$one", "$two.b", {"deep": "$art"}], "s": "$$p", "t": "$$", "u": "$"}
    assert scope().resolve(value) == {
        "$keep": [10, 1, 3, {"deep": "bytes"}],
        "s": "$p",
        "t": "$",
        "u": "$",
    }
    assert scope().resolve("cost: $5") == "cost: $5"
    assert scope().resolve("$pair.y") == 2


@pytest.mark.parametrize(
    ("reference", "error", "message"),
    [
        ("$ghost", UnresolvableReferenceError, "Unresolvable reference: $ghost"),
        (
            "$two",
            IllegalOutputReferenceError,
            "An output name is required when referring to a step with more than one output: two",
        ),
        ("$none", NoStepOutputError, "Referenced step produces no output: none"),
        ("$one.out", OutputNotFoundError, 'Unrecognized output of step "one": out'),
        ("$one.output.x", OutputNotFoundError, 'Unrecognized output of step "one": output.x'),
        ("$art.z", ArtifactOutputNotFoundError, 'artifact parameter "art": z'),
        ("$pair", IllegalOutputReferenceError, "more than one output: pair"),
        ("$p.x", ParameterOutputReferenceError, "may not include an output name: $p.x"),
    ],
)
def test_resolution_errors(reference, error, message):
    with pytest.raises(error) as info:
        scope().resolve(["ok", reference])
    assert message in str(info.value)


def test_single_mapping_output_stores_the_whole_value_even_a_tuple():
    log = logging.getLogger("test")
    assert step_outputs("s", {"output": "any"}, (1, 2), log) == {"output": (1, 2)}
    assert step_outputs("s", None, (1, 2), log) == {}


def test_list_outputs_are_zipped_and_a_count_mismatch_only_warns(caplog):
    log = logging.getLogger("test")
    declaration = [{"a": "any"}, {"b": "any"}]
    assert step_outputs("s", declaration, [1, 2], log) == {"a": 1, "b": 2}
    assert caplog.records == []
    with caplog.at_level(logging.WARNING):
        assert step_outputs("s", declaration, [1, 2, 3], log) == {"a": 1, "b": 2}
        assert step_outputs("s", declaration, [1], log) == {"a": 1}
    assert [r.getMessage() for r in caplog.records] == [
        'Different numbers of outputs and output definitions for step "s": 3 != 2',
        'Different numbers of outputs and output definitions for step "s": 1 != 2',
    ]
    assert step_outputs("s", declaration, iter([5, 6]), log) == {"a": 5, "b": 6}


def test_list_outputs_need_an_iterable():
    with pytest.raises(NonIterableTaskOutputError) as info:
        step_outputs("s", [{"a": "any"}], 5, logging.getLogger("test"))
    assert "did not return an iterable value: 5" in str(info.value)
