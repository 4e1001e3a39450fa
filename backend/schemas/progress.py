"""Progress tables and quality signals."""

import datetime as dt

from marshmallow import Schema, fields, validate
from marshmallow import ValidationError as MarshmallowValidationError

from backend.errors import ValidationError as DomainValidationError
from backend.schemas import Id
from backend.services.progress import GROUPINGS, time_zone


def _time_zone(name: str) -> None:
    try:
        time_zone(name)
    except DomainValidationError as error:
        raise MarshmallowValidationError(error.errors["tz"]) from None


class ProgressQuerySchema(Schema):
    by = fields.String(load_default="turf", validate=validate.OneOf(GROUPINGS))
    universe_id = Id()
    # A time without a zone (or a bare date) is read as UTC, as documented, rather than
    # reaching the database naive and failing there.
    since = fields.AwareDateTime(default_timezone=dt.UTC, metadata={
        "description": "reports effective at or after (UTC if no zone is given)"})
    until = fields.AwareDateTime(default_timezone=dt.UTC, metadata={
        "description": "reports effective before (UTC if no zone is given)"})
    tz = fields.String(load_default="UTC", validate=_time_zone, metadata={
        "description": "IANA time zone the days of by=day are counted in, like "
                       "America/New_York (the console sends the browser's); default UTC",
        "example": "America/New_York"})


class ProgressRowSchema(Schema):
    key = fields.Raw(allow_none=True, metadata={
        "description": "turf id, precinct code, user id or YYYY-MM-DD (a day in tz); by turf, null for the "
                       "'Not in a current turf' row: knocks no live turf counts"})
    label = fields.String()
    door_count = fields.Integer(allow_none=True, metadata={"description": "turf and precinct rows"})
    doors_attempted = fields.Integer()
    contacts = fields.Integer()
    contact_rate = fields.Float(allow_none=True)
    results = fields.Dict(keys=fields.String(), values=fields.Integer(),
                          metadata={"description": "knocks by their door-level result code"})
    voter_results = fields.Dict(keys=fields.String(), values=fields.Integer(),
                                metadata={"description": "voters by their own result code"})
    responses = fields.Dict(keys=fields.String(), values=fields.Integer(),
                            metadata={"description": "survey_response_id -> count"})


class ProgressSchema(Schema):
    by = fields.String()
    rows = fields.List(fields.Nested(ProgressRowSchema))
    totals = fields.Nested(ProgressRowSchema)


class QualityQuerySchema(Schema):
    since = fields.AwareDateTime(default_timezone=dt.UTC)
    until = fields.AwareDateTime(default_timezone=dt.UTC)


class QualityRowSchema(Schema):
    user = fields.Dict()
    knocks = fields.Integer()
    contacts = fields.Integer()
    contact_rate = fields.Float(allow_none=True)
    median_seconds_between_doors = fields.Float(allow_none=True)
    share_under_20s = fields.Float(allow_none=True)
    median_distance_m = fields.Float(allow_none=True)
    share_beyond_300m = fields.Float(allow_none=True)
    flags = fields.List(fields.String())
    flagged = fields.Boolean()


class QualitySchema(Schema):
    thresholds = fields.Dict()
    rows = fields.List(fields.Nested(QualityRowSchema))
