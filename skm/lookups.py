"""`field__any=[...]`: membership in a list, sent to PostgreSQL as one array parameter (`= ANY(%s)`) instead of
one placeholder per value. A region's reads filter on hundreds of unit ids; binding each of them costs more
than the query itself. Elsewhere it is the ordinary IN."""

from django.db.models import Field, ForeignObject
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In


class _AsArray:
    lookup_name = "any"

    def get_prep_lookup(self):
        # Plain ids need no preparing one by one (hundreds of unit ids, on every read of a region).
        if isinstance(self.rhs, (list, tuple)) and all(type(value) is int for value in self.rhs):
            return self.rhs
        return super().get_prep_lookup()

    def as_postgresql(self, compiler, connection):
        if not self.rhs_is_direct_value():  # a subquery stays IN (SELECT ...)
            return super().as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = [value for value in self.rhs if value is not None]
        if not values:
            return "FALSE", []
        array_type = self.lhs.output_field.db_type(connection)
        return f"{lhs} = ANY(%s::{array_type}[])", [*lhs_params, values]


@Field.register_lookup
class AnyOf(_AsArray, In):
    pass


@ForeignObject.register_lookup
class RelatedAnyOf(_AsArray, RelatedIn):
    """The same on a foreign key (`unit_id__any`, `unit__any`)."""
