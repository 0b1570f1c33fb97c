"""Finding one object the user may see, or answering 404."""

from django.db.models import QuerySet

from experiments.errors import NotFoundError


def get_or_404(rows: QuerySet, pk: int, what: str):
    """The row with this id among ``rows`` (already scoped to the user)."""
    found = rows.filter(pk=pk).first()
    if found is None:
        raise NotFoundError(what, id=pk)
    return found
