"""Forms of the pages. They collect and shape input; the rules (names, groups,
permissions, parameter types) live in experiments.definitions, whose errors
the views add to these forms with `add_domain_error`.

That is why they are plain Forms rather than ModelForms: a ModelForm would
check names and unique constraints itself, with other words than the API.
"""

from django import forms
from django.contrib.auth import password_validation

from .models import NAME_MAX_LENGTH, Entrypoint, Group, ParameterType, Queue
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

    def __init__(self, *args, user, creating: bool, **kwargs):
        super().__init__(*args, user=user, creating=creating, **kwargs)
        self.fields["queues"] = LabelledResourcesField(
            queryset=Queue.objects.visible_to(user).select_related("group").order_by("name"),
            required=False,
            widget=forms.SelectMultiple(attrs={"size": 5}),
            help_text="The queues this entrypoint may run on. "
            "Hold Ctrl (⌘ on a Mac) to choose several.",
        )


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
