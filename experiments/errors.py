"""Errors the domain raises. Pages turn them into form errors, the API into
Dioptra's error body with the status each class names."""


class DomainError(Exception):
    """A request that cannot be carried out. ``message`` is shown to the user."""

    status = 400
    field: str | None = None

    def __init__(self, message: str, *, field: str | None = None, detail: dict | None = None):
        super().__init__(message)
        self.message = message
        self.field = field or self.field
        self.detail = detail or {}


class InvalidInputError(DomainError):
    """A field's value is malformed or out of range (Dioptra's schema errors)."""


class ParameterTypeMismatchError(InvalidInputError):
    """An entrypoint parameter's default does not fit its declared type."""


class NotFoundError(DomainError):
    """A referenced resource does not exist or the user may not read it."""

    status = 404

    def __init__(self, resource_type: str, *, field: str | None = None, **lookup):
        described = ", and ".join(f"{k} having value ({v})" for k, v in lookup.items())
        super().__init__(
            f"Failed to locate {resource_type} with {described}.",
            field=field,
            detail={"entity_type": resource_type, **lookup},
        )


class ConflictError(DomainError):
    """The request collides with an existing resource (Dioptra's EntityExistsError)."""

    status = 409


class NameTakenError(ConflictError):
    field = "name"

    def __init__(
        self, resource_type: str, *, name: str, group_id: int | None, existing_id: int | None
    ):
        where = " in this group" if group_id is not None else ""
        attributes = {"name": name} if group_id is None else {"name": name, "group_id": group_id}
        super().__init__(
            f"The {resource_type} name {name!r} is already taken{where}.",
            detail={
                "entity_type": resource_type,
                "existing_id": existing_id,
                "entity_attributes": attributes,
            },
        )


class UserNotInGroupError(DomainError):
    field = "group"


class NotAllowedError(DomainError):
    """The user may read the resource but not change it."""

    status = 403


class WorkflowInvalidError(InvalidInputError):
    """The task graph or artifact graph has errors; ``issues`` lists each."""

    field = "taskGraph"

    def __init__(self, issues: list):
        self.issues = issues
        super().__init__(
            "The workflow has errors: " + "; ".join(str(issue.message) for issue in issues)
        )
