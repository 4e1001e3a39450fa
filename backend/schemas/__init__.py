"""marshmallow schemas: the only wire format, one module per resource."""

from marshmallow import fields, validate

#: The largest row id (id columns are signed 64-bit integers). A larger number cannot be
#: sent to the database at all (SQLite's driver raises), so it is refused where it is read.
MAX_ID = 2**63 - 1
#: The largest whole number an ordinary integer column stores (``integer`` on PostgreSQL):
#: positions and VAN ids are kept in such columns.
MAX_INT = 2**31 - 1


def stored_int(**kwargs) -> fields.Integer:  # type: ignore[no-untyped-def]
    """A whole number kept in an integer column (a position, a VAN id): 422 beyond it."""
    return fields.Integer(validate=validate.Range(min=-MAX_INT, max=MAX_INT), **kwargs)


class Id(fields.Integer):
    """A row id: a whole number an id column can hold; 422 naming the field otherwise."""

    def __init__(self, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("validate", validate.Range(
            min=-MAX_ID, max=MAX_ID, error="is not an id (too large)"))
        super().__init__(**kwargs)


__all__ = ["MAX_ID", "MAX_INT", "Id", "stored_int"]
