"""Forms of the pages. They collect and shape input; the rules (names, groups,
permissions, parameter types) live in experiments.definitions, whose errors
the views add to these forms with `add_domain_error`.

That is why they are plain Forms rather than ModelForms: a ModelForm would
check names and unique constraints itself, with other words than the API.
"""

import json
import re
from dataclasses import dataclass, field

from django import forms
from django.contrib.auth import password_validation

from .converters import MAX_ID
from .definitions import ArtifactParameterSpec, TaskSpec
from .engine.sections import ParameterCoercionError
from .jobs import artifact_value_field
from .models import (
    NAME_MAX_LENGTH,
    Entrypoint,
    Group,
    ParameterType,
    Plugin,
    PluginParameterType,
    PluginTask,
    Queue,
    coerce_parameter_value,
)
from .models.resources import NamedResource

NAME_WIDGET = forms.TextInput(attrs={"maxlength": NAME_MAX_LENGTH, "autocomplete": "off"})


class GroupChoiceField(forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": "Choose one of your groups in which you may create resources "
        "(you need write access to it).",
    }


class LabelledResourcesField(forms.ModelMultipleChoiceField):
    """A multi-select of resources, labelled with their group when names may repeat."""

    default_error_messages = {
        "invalid_choice": "%(value)s is not one you can use: it does not exist or you "
        "may not read it.",
        "invalid_pk_value": "%(pk)s is not a valid id.",
    }

    def label_from_instance(self, obj: NamedResource) -> str:
        return f"{obj.name} · {obj.group.name}"


class ResourceForm(forms.Form):
    """Group (only when creating), name and description."""

    name = forms.CharField(required=False, widget=NAME_WIDGET, strip=False)
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), strip=False
    )

    def __init__(self, *args, user, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.creating = creating
        # Blank and over-long names are the domain's to refuse, with its words;
        # the browser still gets the hints.
        self.fields["name"].widget.attrs["required"] = True
        if creating:
            groups = Group.objects.writable_by(user).order_by("name")
            self.writable_groups = list(groups)
            group = GroupChoiceField(
                queryset=groups,
                initial=self.writable_groups[0] if len(self.writable_groups) == 1 else None,
                empty_label="Choose a group…",
                help_text="It belongs to this group: the group's members may see it, "
                "and those with write access may change it.",
            )
            self.fields = {"group": group, **self.fields}

    @property
    def has_writable_group(self) -> bool:
        return not self.creating or bool(self.writable_groups)


class QueueForm(ResourceForm):
    pass


class ExperimentForm(ResourceForm):
    def __init__(self, *args, user, creating: bool, **kwargs):
        super().__init__(*args, user=user, creating=creating, **kwargs)
        self.fields["entrypoints"] = LabelledResourcesField(
            queryset=Entrypoint.objects.visible_to(user).select_related("group").order_by("name"),
            required=False,
            widget=forms.SelectMultiple(attrs={"size": 6}),
            help_text="The entrypoints that may run in this experiment. "
            "Hold Ctrl (⌘ on a Mac) to choose several.",
        )


class EntrypointForm(ResourceForm):
    task_graph = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "class": "code", "spellcheck": "false"}),
        help_text="YAML: each step names a plugin task and its arguments; "
        "$name refers to a parameter or to an earlier step's output.",
    )
    artifact_graph = forms.CharField(
        required=False,
        strip=False,
        label="Artifact output graph",
        widget=forms.Textarea(attrs={"rows": 5, "class": "code", "spellcheck": "false"}),
        help_text="Optional YAML: artifacts the job saves, each with contents "
        "(e.g. $step.output) and the artifact task that serializes it.",
    )

    def __init__(self, *args, user, creating: bool, **kwargs):
        super().__init__(*args, user=user, creating=creating, **kwargs)
        self.fields["queues"] = LabelledResourcesField(
            queryset=Queue.objects.visible_to(user).select_related("group").order_by("name"),
            required=False,
            widget=forms.SelectMultiple(attrs={"size": 5}),
            help_text="The queues this entrypoint may run on. "
            "Hold Ctrl (⌘ on a Mac) to choose several.",
        )
        plugins = Plugin.objects.visible_to(user).select_related("group").order_by("name")
        self.fields["plugins"] = LabelledResourcesField(
            queryset=plugins,
            required=False,
            widget=forms.SelectMultiple(attrs={"size": 5}),
            help_text="Their tasks are the ones the task graph may call. "
            "Each is pinned at its latest version when you save.",
        )
        self.fields["artifact_plugins"] = LabelledResourcesField(
            queryset=plugins,
            required=False,
            widget=forms.SelectMultiple(attrs={"size": 3}),
            help_text="Plugins whose artifact tasks the artifact output graph may use.",
        )

    @property
    def has_plugins_to_offer(self) -> bool:
        return self.fields["plugins"].queryset.exists()


class ParameterForm(forms.Form):
    """One row of an entrypoint's parameter table. A row left blank is dropped."""

    # All optional: a row removed in the page (or left blank) is dropped, and
    # the domain names what is missing in a row that is kept.
    name = forms.CharField(
        required=False,
        strip=False,
        widget=forms.TextInput(
            attrs={"class": "form-control form-control-sm", "placeholder": "e.g. epochs"}
        ),
    )
    parameter_type = forms.ChoiceField(
        required=False,
        choices=ParameterType.choices,
        initial=ParameterType.STRING,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    default_value = forms.CharField(
        required=False,
        strip=False,
        widget=forms.TextInput(
            attrs={"class": "form-control form-control-sm", "placeholder": "no default"}
        ),
    )

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not data.get("name", "").strip() and not data.get("default_value")


ParameterFormSet = forms.formset_factory(ParameterForm, extra=1)


@dataclass
class ArtifactOutputRow:
    name: str = ""
    type_id: int | None = None
    missing_type: bool = False


class ArtifactParameterForm(forms.Form):
    """One artifact parameter of an entrypoint: an input a job takes from an
    artifact an earlier job saved, with the outputs loading that artifact yields.

    The outputs are rows the page adds and removes, posted as
    ``<prefix>-out-<r>-name`` and ``<prefix>-out-<r>-type`` (a type id); the
    indices only order them. An output without a name is dropped, and so is a
    parameter left blank; the domain names what is wrong in the rest.
    """

    name = forms.CharField(
        required=False,
        strip=False,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-sm font-monospace",
                "placeholder": "e.g. trained_model",
                "aria-label": "Artifact parameter name",
                "autocomplete": "off",
            }
        ),
    )

    def __init__(self, *args, types, **kwargs):
        """``types``: the parameter types the user may choose for an output."""
        super().__init__(*args, **kwargs)
        self.types = types
        if self.is_bound:
            key = re.compile(rf"^{re.escape(self.add_prefix('out-'))}(\d+)-name$")
            rows = [
                ArtifactOutputRow(
                    name=self.data.get(self.add_prefix(f"out-{i}-name"), "").strip(),
                    type_id=_int_or_none(self.data.get(self.add_prefix(f"out-{i}-type"))),
                )
                for i in _indices(self.data, key)
            ]
            self.outputs = [row for row in rows if row.name]
        else:
            self.outputs = [
                ArtifactOutputRow(name, type_id)
                for name, type_id in self.initial.get("outputs", [])
            ]

    @property
    def shown_outputs(self) -> list[ArtifactOutputRow]:
        """The outputs, or one blank row to fill in."""
        return self.outputs or [ArtifactOutputRow()]

    def has_changed(self) -> bool:
        # A formset leaves an unchanged extra row uncleaned; outputs are a change too.
        return super().has_changed() or bool(self.outputs)

    def clean(self):
        cleaned = super().clean()
        for output in self.outputs:
            if output.type_id is None:
                output.missing_type = True
                self.add_error(None, f"Choose the type of output {output.name!r}.")
        return cleaned

    def is_blank(self) -> bool:
        return not self.cleaned_data.get("name", "").strip() and not self.outputs

    def spec(self) -> ArtifactParameterSpec:
        return ArtifactParameterSpec(
            name=self.cleaned_data.get("name", ""),
            outputs=[(output.name, output.type_id) for output in self.outputs],
        )


class BaseArtifactParameterFormSet(forms.BaseFormSet):
    def specs(self) -> list[ArtifactParameterSpec]:
        return [row.spec() for row in self if not row.is_blank()]

    def add_error(self, message: str) -> None:
        """A refusal of the domain, shown above the rows (it names the parameter)."""
        self.non_form_errors().append(message)


ArtifactParameterFormSet = forms.formset_factory(
    ArtifactParameterForm, formset=BaseArtifactParameterFormSet, extra=1
)


# Plugins and parameter types ------------------------------------------------------


class PluginForm(ResourceForm):
    pass


class ParameterTypeForm(ResourceForm):
    structure = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(
            attrs={
                "rows": 6,
                "class": "code",
                "spellcheck": "false",
                "placeholder": '{"list": "string"}',
            }
        ),
        help_text="JSON. Leave blank for a simple (opaque) type; or give a structure: "
        '{"list": "T"}, {"tuple": ["A", "B"]}, {"mapping": ["string", "T"]}, '
        '{"mapping": {"key": "T"}}, {"union": ["A", "B"]}, {"is_a": "super"}.',
    )

    def clean_structure(self):
        text = self.cleaned_data["structure"]
        if not text.strip():
            return None
        try:
            structure = json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                f"The structure is not valid JSON: {error.msg} "
                f"(line {error.lineno}, column {error.colno})."
            ) from None
        if structure is not None and not isinstance(structure, dict):
            raise forms.ValidationError(
                'The structure must be a JSON object such as {"list": "string"}, '
                "or blank for a simple type."
            )
        return structure


class PluginFileForm(forms.Form):
    """A plugin file's name, description and source; its tasks come from `TaskRows`."""

    filename = forms.CharField(
        required=False,
        strip=False,
        widget=forms.TextInput(
            attrs={"placeholder": "tasks.py", "autocomplete": "off", "class": "font-monospace"}
        ),
        help_text="A relative path ending in .py, e.g. tasks.py or attacks/fgsm.py; "
        "in plugin p, attacks/fgsm.py becomes the module p.attacks.fgsm.",
    )
    description = forms.CharField(
        required=False, strip=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    contents = forms.CharField(
        required=False,
        strip=False,
        label="Code",
        widget=forms.Textarea(
            attrs={"rows": 18, "class": "code", "spellcheck": "false", "wrap": "off"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["filename"].widget.attrs["required"] = True


@dataclass
class TaskParameterRow:
    name: str = ""
    type_id: int | None = None
    required: bool = True
    error: str = ""


@dataclass
class TaskRow:
    name: str = ""
    kind: str = PluginTask.Kind.FUNCTION
    inputs: list[TaskParameterRow] = field(default_factory=list)
    outputs: list[TaskParameterRow] = field(default_factory=list)
    error: str = ""


TASK_KEY = re.compile(r"^tasks-(\d+)-name$")


class TaskRows:
    """The task registrations of a plugin file, as rows the page adds and removes.

    Posted as ``tasks-<t>-name``, ``tasks-<t>-kind``, ``tasks-<t>-in-<r>-name|type|required``
    and ``tasks-<t>-out-<r>-name|type``; the indices only order the rows, so rows
    removed in the page simply leave gaps. A row without a name is dropped.
    """

    def __init__(self, rows: list[TaskRow], *, types):
        self.rows = rows
        self.types = list(types)
        self.type_ids = {t.pk for t in self.types}

    @classmethod
    def from_post(cls, data, *, types) -> "TaskRows":
        rows = []
        for task_index in _indices(data, TASK_KEY):
            prefix = f"tasks-{task_index}"
            inputs = [
                TaskParameterRow(
                    name=data.get(f"{prefix}-in-{i}-name", "").strip(),
                    type_id=_int_or_none(data.get(f"{prefix}-in-{i}-type")),
                    required=bool(data.get(f"{prefix}-in-{i}-required")),
                )
                for i in _indices(data, re.compile(rf"^{prefix}-in-(\d+)-name$"))
            ]
            outputs = [
                TaskParameterRow(
                    name=data.get(f"{prefix}-out-{i}-name", "").strip(),
                    type_id=_int_or_none(data.get(f"{prefix}-out-{i}-type")),
                )
                for i in _indices(data, re.compile(rf"^{prefix}-out-(\d+)-name$"))
            ]
            rows.append(
                TaskRow(
                    name=data.get(f"{prefix}-name", "").strip(),
                    kind=data.get(f"{prefix}-kind", PluginTask.Kind.FUNCTION),
                    inputs=[row for row in inputs if row.name],
                    outputs=[row for row in outputs if row.name],
                )
            )
        return cls([row for row in rows if row.name], types=types)

    @classmethod
    def from_file(cls, file, *, types) -> "TaskRows":
        rows = []
        for task in file.tasks.all():
            registration = task.as_registration()
            rows.append(
                TaskRow(
                    name=task.name,
                    kind=task.kind,
                    inputs=[
                        TaskParameterRow(p["name"], p["parameterType"], p["required"])
                        for p in registration["inputParams"]
                    ],
                    outputs=[
                        TaskParameterRow(p["name"], p["parameterType"])
                        for p in registration["outputParams"]
                    ],
                )
            )
        return cls(rows, types=types)

    def is_valid(self) -> bool:
        """Every parameter has one of the offered types; marks the rows that have not."""
        valid = True
        for task in self.rows:
            for direction, params in (("input", task.inputs), ("output", task.outputs)):
                for param in params:
                    if param.type_id not in self.type_ids:
                        param.error = (
                            f"Choose a type for {direction} {param.name!r} of task "
                            f"{task.name!r}: one of the types you can use."
                        )
                        valid = False
        return valid

    def specs(self) -> list[TaskSpec]:
        return [
            TaskSpec(
                name=task.name,
                kind=task.kind,
                inputs=[(p.name, p.type_id, p.required) for p in task.inputs],
                outputs=[(p.name, p.type_id) for p in task.outputs],
            )
            for task in self.rows
        ]


def _indices(data, pattern: re.Pattern) -> list[int]:
    return sorted({int(m.group(1)) for key in data for m in [pattern.match(key)] if m})


def _int_or_none(value) -> int | None:
    """A posted id, or None for anything else (a number too big to be an id too)."""
    if not (isinstance(value, str) and value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if number <= MAX_ID else None


def parameter_type_choices(user):
    """The types a task parameter may have: builtins first, then by name."""
    return (
        PluginParameterType.objects.visible_to(user)
        .select_related("group")
        .order_by("-is_builtin", "name", "id")
    )


class RegisterForm(forms.Form):
    username = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autofocus": True}))
    email = forms.EmailField(required=False)
    password1 = forms.CharField(label="Password", strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label="Password (again)", strip=False, widget=forms.PasswordInput)

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "The two passwords differ.")
        elif password1:
            try:
                password_validation.validate_password(password1)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


MEMBER_FLAG_HELP = {
    "read": "see the group's resources",
    "write": "create and change them",
    "share_read": "share them for reading",
    "share_write": "share them for writing",
    "owner": "owns the group",
    "admin": "manages members",
}


class MemberFlagsForm(forms.Form):
    """A membership's flags. A plain Form, so the membership is unchanged until
    definitions.change_member has checked the change (e.g. the last owner)."""

    read = forms.BooleanField(required=False)
    write = forms.BooleanField(required=False)
    share_read = forms.BooleanField(required=False)
    share_write = forms.BooleanField(required=False)
    owner = forms.BooleanField(required=False)
    admin = forms.BooleanField(required=False)


class MemberAddForm(MemberFlagsForm):
    username = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"placeholder": "username"})
    )
    field_order = ["username"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["read"].initial = True

    def flags(self) -> dict[str, bool]:
        return {name: self.cleaned_data[name] for name in MEMBER_FLAG_HELP}


class GroupForm(forms.Form):
    """A group's name, to create or rename it. Blank, over-long and taken names
    are definitions.create_group's and rename_group's to refuse."""

    name = forms.CharField(
        required=False,
        strip=False,
        widget=forms.TextInput(
            attrs={"maxlength": NAME_MAX_LENGTH, "autocomplete": "off", "required": True}
        ),
        help_text="Unique among all groups; members find the group's resources by it.",
    )


# Jobs ------------------------------------------------------------------------------

# The widget of each entrypoint parameter type; values are posted as text and
# kept as Dioptra's strings ("0.5", "true", "[1, 2]").
PARAMETER_WIDGETS = {
    ParameterType.FLOAT: lambda: forms.NumberInput(attrs={"step": "any"}),
    ParameterType.INTEGER: lambda: forms.NumberInput(attrs={"step": "1"}),
    ParameterType.LIST: lambda: forms.Textarea(
        attrs={"rows": 2, "class": "code", "spellcheck": "false", "placeholder": "[1, 2, 3]"}
    ),
    ParameterType.MAPPING: lambda: forms.Textarea(
        attrs={"rows": 3, "class": "code", "spellcheck": "false", "placeholder": '{"key": 1}'}
    ),
    ParameterType.STRING: lambda: forms.TextInput(attrs={"autocomplete": "off"}),
}
BOOLEAN_CHOICES = [("true", "true"), ("false", "false")]


def artifact_choices(artifacts) -> list[tuple]:
    """A menu of artifacts from their (id, job id, uri, snapshot id) rows."""
    menu = [(pk, f"job #{job_id} · {uri}") for pk, job_id, uri, _ in artifacts]
    return [("", "Choose an artifact…"), *menu]


class JobSubmitForm(forms.Form):
    """Run one of an experiment's entrypoints: choose it, then its queue,
    parameter values (one field per parameter, ``value_<position>``) and, for
    each artifact parameter, an artifact an earlier job saved
    (``artifact_<position>``).

    An artifact is posted as a plain id, not checked against the choices:
    submit_job resolves it, so an artifact the user may not read, or of the
    wrong types, is refused with the same words as in the API.

    ``shown_entrypoint`` is the entrypoint whose parameters the page showed;
    when the posted entrypoint differs (a browser without JavaScript changed
    the choice), the form is shown again for it instead of being submitted.
    """

    entrypoint = forms.ModelChoiceField(
        queryset=Entrypoint.objects.none(),
        empty_label="Choose an entrypoint…",
        error_messages={
            "invalid_choice": "Choose one of the experiment's entrypoints.",
            "required": "Choose the entrypoint to run.",
        },
    )
    shown_entrypoint = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, entrypoints, artifacts, **kwargs):
        """``entrypoints``: the experiment's, with their parameters, artifact
        parameters (with their outputs' types) and visible queues; ``artifacts``:
        (id, job id, uri, snapshot id) of the artifacts to offer, read only if
        the chosen entrypoint takes any."""
        super().__init__(*args, **kwargs)
        self.fields["entrypoint"].queryset = entrypoints
        self.chosen_entrypoint = self._chosen_entrypoint(entrypoints)
        self.parameters = []
        self.artifact_parameters = []
        self.artifact_snapshots = {}  # artifact id -> the snapshot offered
        if self.chosen_entrypoint is None:
            return
        self.parameters = list(self.chosen_entrypoint.parameters.all())
        self.artifact_parameters = list(self.chosen_entrypoint.artifact_parameters.all())
        self.fields["shown_entrypoint"].initial = self.chosen_entrypoint.pk
        queues = list(self.chosen_entrypoint.queues.all())  # the ones the user may see
        self.fields["queue"] = forms.ModelChoiceField(
            queryset=Queue.objects.filter(pk__in=[q.pk for q in queues]).order_by("name"),
            initial=queues[0].pk if len(queues) == 1 else None,
            empty_label="Choose a queue…",
            error_messages={
                "invalid_choice": f"Choose one of the queues of {self.chosen_entrypoint.name}.",
                "required": "Choose the queue to run on.",
            },
            help_text="A worker serving this queue runs the job.",
        )
        for parameter in self.parameters:
            self.fields[self.value_field(parameter)] = self._value_field(parameter)
        if self.artifact_parameters:
            artifacts = list(artifacts)
            self.artifact_snapshots = {pk: snapshot_id for pk, _, _, snapshot_id in artifacts}
            choices = artifact_choices(artifacts)
            for parameter in self.artifact_parameters:
                self.fields[self.artifact_field(parameter)] = self._artifact_field(
                    parameter, choices
                )
        self.fields["description"] = forms.CharField(
            required=False, strip=False, widget=forms.Textarea(attrs={"rows": 2})
        )
        self.fields["timeout"] = forms.CharField(
            required=False,
            widget=forms.TextInput(attrs={"placeholder": "24h", "autocomplete": "off"}),
            help_text="The longest it may run: a number with d, h, m or s, e.g. 30m, 24h, 1d. "
            "Blank: the server's default.",
        )

    def _chosen_entrypoint(self, entrypoints):
        """The posted entrypoint, else the initial one; None if not one of ``entrypoints``."""
        chosen = self.data.get("entrypoint") if self.is_bound else None
        chosen = str(chosen or self.initial.get("entrypoint") or "")
        pk = _int_or_none(chosen)
        return None if pk is None else entrypoints.filter(pk=pk).first()

    @staticmethod
    def value_field(parameter) -> str:
        return f"value_{parameter.position}"

    def _value_field(self, parameter) -> forms.Field:
        kind = parameter.parameter_type
        default = parameter.default_value
        help_text = f"{kind}" + ("" if default is None else f"; blank: {default}")
        if kind == ParameterType.BOOLEAN:
            return forms.ChoiceField(
                label=parameter.name,
                choices=BOOLEAN_CHOICES if default is not None else [("", "—"), *BOOLEAN_CHOICES],
                initial=(default or "").strip().lower() or None,
                required=default is None,
                help_text=kind,
            )
        return forms.CharField(
            label=parameter.name,
            initial=default,
            required=default is None,
            strip=False,
            widget=PARAMETER_WIDGETS.get(kind, PARAMETER_WIDGETS[ParameterType.STRING])(),
            help_text=help_text,
            error_messages={"required": f"{parameter.name} has no default: give it a value."},
        )

    def parameter_fields(self) -> list[forms.BoundField]:
        return [self[self.value_field(parameter)] for parameter in self.parameters]

    @staticmethod
    def artifact_field(parameter) -> str:
        return f"artifact_{parameter.position}"

    @staticmethod
    def _artifact_field(parameter, choices) -> forms.Field:
        outputs = ", ".join(
            f"{output.name}: {output.parameter_type.name}" for output in parameter.outputs.all()
        )
        return forms.IntegerField(
            label=parameter.name,
            min_value=1,
            max_value=MAX_ID,
            widget=forms.Select(choices=choices),
            help_text=f"An artifact whose artifact task loads it as {outputs}; "
            "the newest ones are offered.",
            error_messages={
                "required": f"Choose the artifact {parameter.name} is taken from.",
                "invalid": "Choose the artifact by its id.",
            },
        )

    @property
    def has_artifacts(self) -> bool:
        """Whether there is any artifact to offer."""
        return bool(self.artifact_snapshots)

    def artifact_fields(self) -> list[forms.BoundField]:
        return [self[self.artifact_field(parameter)] for parameter in self.artifact_parameters]

    def artifact_error_fields(self) -> dict[str, str]:
        """The field of each artifact parameter's submit errors, to this form's field."""
        return {
            artifact_value_field(parameter.name): self.artifact_field(parameter)
            for parameter in self.artifact_parameters
        }

    @property
    def entrypoint_changed(self) -> bool:
        """The posted entrypoint is not the one whose parameters were shown."""
        return self.chosen_entrypoint is not None and (
            self.data.get("shown_entrypoint") != str(self.chosen_entrypoint.pk)
        )

    def clean(self):
        cleaned = super().clean()
        for parameter in self.parameters:
            field = self.value_field(parameter)
            text = cleaned.get(field)
            if not text:
                continue
            try:
                coerce_parameter_value(parameter.parameter_type, text)
            except ParameterCoercionError as error:
                self.add_error(field, f"{error.args[0]}.")
        return cleaned

    def values(self) -> dict[str, str]:
        """Each parameter's posted text; blank ones are left to their defaults."""
        return {
            parameter.name: self.cleaned_data[self.value_field(parameter)]
            for parameter in self.parameters
            if self.cleaned_data.get(self.value_field(parameter))
        }

    def artifact_values(self) -> dict[str, dict]:
        """Each artifact parameter's artifact, at the snapshot the page offered
        (None for one it did not offer: submit_job takes its latest, if readable)."""
        values = {}
        for parameter in self.artifact_parameters:
            pk = self.cleaned_data[self.artifact_field(parameter)]
            values[parameter.name] = {"id": pk, "snapshotId": self.artifact_snapshots.get(pk)}
        return values


# Models ----------------------------------------------------------------------------


class MLModelForm(ResourceForm):
    pass


class ModelVersionForm(forms.Form):
    """Add a version to a model: one of the artifacts the user may read.

    The artifact is posted as a plain id, not checked against the choices:
    definitions.add_model_version resolves it, so an artifact the user may not
    read is refused with the same words as in the API.
    """

    artifact = forms.IntegerField(
        widget=forms.Select,
        error_messages={
            "required": "Choose the artifact this version is made from.",
            "invalid": "Choose the artifact by its id.",
        },
        help_text="An artifact a job saved, e.g. trained weights; the newest ones are offered.",
    )
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), strip=False
    )

    def __init__(self, *args, artifacts, **kwargs):
        """``artifacts``: (id, job id, uri, snapshot id) of the artifacts to offer."""
        super().__init__(*args, **kwargs)
        choices = artifact_choices(artifacts)
        self.has_artifacts = len(choices) > 1
        self.fields["artifact"].widget.choices = choices


class ModelVersionDescriptionForm(forms.Form):
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), strip=False
    )


class ArtifactDescriptionForm(forms.Form):
    """What an artifact page lets a writer change; the job decided the rest."""

    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), strip=False
    )
