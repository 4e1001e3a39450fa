"""Exports for organizers: contact history as CSV, and NGP VAN's canvass-response shapes."""

import csv
import io

from flask import Response, stream_with_context
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from backend.api.guard import actor
from backend.extensions import db
from backend.services import exports as export_service

blp = Blueprint("exports", __name__, url_prefix="/api/exports",
                description="Contact history out: CSV and NGP VAN canvass responses")


class SinceQuerySchema(Schema):
    since = fields.AwareDateTime(metadata={"description": "only reports received since"})


class VanQuerySchema(SinceQuerySchema):
    input_type_id = fields.Integer(load_default=export_service.API_INPUT_TYPE)
    person_id_type = fields.String(load_default="StateFileID",
                                   validate=validate.Regexp(r"^[A-Za-z0-9_]{1,40}$"))


class VanResponsesSchema(Schema):
    items = fields.List(fields.Dict())
    count = fields.Integer()
    skipped = fields.List(fields.Dict())


#: What a spreadsheet reads as the start of a formula when a cell begins with it.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """Text a spreadsheet would run as a formula (a volunteer who joined as "=HYPERLINK(…)",
    a person added in the field as "+cmd…") gets a leading apostrophe, so Excel or LibreOffice
    shows it as text: the usual defence against CSV injection (OWASP). Numbers, dates and
    every other text are written as they are.

    >>> _cell("=1+1"), _cell("@SUM(A1)"), _cell("12 MAIN ST"), _cell(-5)
    ("'=1+1", "'@SUM(A1)", '12 MAIN ST', -5)
    """
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value


def _csv(rows, columns, filename):
    def generate():
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns)
        writer.writeheader()
        for n, row in enumerate(rows):
            writer.writerow({key: _cell(value) for key, value in row.items()})
            if n % 500 == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return Response(stream_with_context(generate()), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@blp.route("/contact_history.csv")
class ContactHistoryCsv(MethodView):
    @blp.response(200, content_type="text/csv")
    def get(self):
        """One row per voter and per door with its derived status (organizers only)."""
        return _csv(export_service.contact_history_rows(db.session, actor()),
                    export_service.CONTACT_HISTORY_COLUMNS, "contact_history.csv")


@blp.route("/van_canvass_responses")
class VanCanvassResponses(MethodView):
    @blp.arguments(VanQuerySchema, location="query")
    @blp.response(200, VanResponsesSchema)
    def get(self, query):
        """Each attempt as the body of VAN's `POST people/{personIdType}:{personId}/canvassResponses`."""
        return export_service.van_canvass_responses(db.session, actor(), **query)


@blp.route("/van_canvass_results.csv")
class VanCanvassResultsCsv(MethodView):
    @blp.arguments(SinceQuerySchema, location="query")
    @blp.response(200, content_type="text/csv")
    def get(self, query):
        """VAN's bulk CanvassResults layout (vanid empty; statefileid added for matching)."""
        return _csv(export_service.van_canvass_results_rows(db.session, actor(), **query),
                    export_service.VAN_BULK_COLUMNS, "van_canvass_results.csv")
