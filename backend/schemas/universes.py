"""Universes: saved voter filters with their counts (see ``backend.services.universes``)."""

from marshmallow import Schema, fields, validate

from backend.schemas import MAX_ID, Id
from backend.services.universes import CONTACT_STATUSES, TIMES_OF_DAY, age_band_labels


class UniverseFiltersSchema(Schema):
    """What a universe selects. Every key is optional; lists mean "any of"."""

    precincts = fields.List(fields.String(), metadata={"description": "precinct codes"})
    parties = fields.List(fields.String(), metadata={"description": "party codes; '' is unaffiliated"})
    voted_in = fields.List(Id(), metadata={"description": "election ids voted in (all)"})
    not_voted_in = fields.List(Id(), metadata={"description": "election ids not voted in"})
    age_bands = fields.List(fields.String(validate=validate.OneOf(age_band_labels())))
    contact_status = fields.List(
        fields.String(validate=validate.OneOf(CONTACT_STATUSES)),
        metadata={"description": "from contact history: never_contacted, not_home (last time), "
                                 "contacted (a conversation), refused"},
    )
    not_home_min = fields.Integer(validate=validate.Range(min=1, max=MAX_ID), allow_none=True,
                                  metadata={"description": "left not home at least N times"})
    survey_response_ids = fields.List(
        Id(), metadata={"description": "answered one of these (e.g. supporters)"})
    last_attempt_time_of_day = fields.String(
        validate=validate.OneOf(list(TIMES_OF_DAY)), allow_none=True,
        metadata={"description": "re-attempts: last knocked in this part of the day"})
    timezone = fields.String(allow_none=True, metadata={"description": "IANA zone for time of day"})
    note = fields.String(allow_none=True, metadata={"description": "free text, e.g. 'evening re-attempt'"})


class UniverseCountsSchema(Schema):
    voter_count = fields.Integer()
    door_count = fields.Integer()
    doors_without_location = fields.Integer(metadata={"description": "cannot be cut onto a map"})
    doors_in_turfs = fields.Integer(metadata={"description": "already in a live turf"})


class UniversePreviewSchema(UniverseCountsSchema):
    filters = fields.Nested(UniverseFiltersSchema)


class UniverseSchema(UniverseCountsSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    filters = fields.Nested(UniverseFiltersSchema, load_default=dict)
    turf_count = fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class UniverseUpdateSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    filters = fields.Nested(UniverseFiltersSchema)


class UniverseListQuerySchema(Schema):
    counts = fields.Boolean(load_default=False, metadata={"description": "include counts (slower)"})


class UniverseDoorSchema(Schema):
    id = fields.Integer()
    lon = fields.Float(allow_none=True)
    lat = fields.Float(allow_none=True)
    voter_count = fields.Integer(metadata={"description": "voters the universe selects here"})
    turf_id = fields.Integer(allow_none=True)


class ElectionSchema(Schema):
    id = fields.Integer()
    election_on = fields.Date()
    kind = fields.String()
    name = fields.String()
