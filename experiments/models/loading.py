"""Rows into model instances without ``Model.__init__``."""

from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init


class QuickLoad:
    """A model whose rows read from the database become instances without
    ``Model.__init__``: the loaded values go straight into the instance, and a
    deferred field is one left out, as Django leaves it (``__init__`` walks
    every field of every instance, and a list builds dozens). A model with
    ``pre_init`` or ``post_init`` receivers loads the usual way."""

    @classmethod
    def from_db(cls, db, field_names, values):
        if (pre_init.receivers or post_init.receivers) and (
            pre_init.has_listeners(cls) or post_init.has_listeners(cls)
        ):
            return super().from_db(db, field_names, values)
        instance = cls.__new__(cls)
        instance._state = ModelState()
        instance._state.adding, instance._state.db = False, db
        instance.__dict__.update(zip(field_names, values, strict=True))
        return instance
