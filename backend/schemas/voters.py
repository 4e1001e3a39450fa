from marshmallow import Schema, fields, validate

from backend.schemas import MAX_ID, Id


class VoteSchema(Schema):
    election_on = fields.Date()
    kind = fields.String()
    name = fields.String()
    ballot = fields.String()


class CanvasserVoterSchema(Schema):
    """What a canvasser sees of a voter (the door list): who to ask for, nothing more."""

    id = fields.Integer()
    door_id = fields.Integer(allow_none=True)
    first_name = fields.String()
    middle_name = fields.String()
    last_name = fields.String()
    suffix = fields.String()
    age_band = fields.String(allow_none=True)


class VoterSchema(CanvasserVoterSchema):
    """A voter as organizers see it."""

    state_id = fields.String()
    birth_year = fields.Integer(allow_none=True)
    gender = fields.String()
    party = fields.String()
    registered_on = fields.Date(allow_none=True)
    voter_status = fields.String()
    is_active = fields.Boolean()
    vote_history = fields.List(fields.Nested(VoteSchema))


class DoorAddressSchema(Schema):
    """Where a door is, as organizers and canvassers both see it."""

    id = fields.Integer()
    address_line = fields.String()
    unit = fields.String()
    city = fields.String()
    state = fields.String()
    zip = fields.String()
    lon = fields.Float(allow_none=True)
    lat = fields.Float(allow_none=True)
    access_note = fields.String()


class DoorSchema(DoorAddressSchema):
    """A door as organizers see it."""

    precinct_id = fields.Integer(allow_none=True)
    voters = fields.List(fields.Nested(VoterSchema))


class VoterQuerySchema(Schema):
    door_id = Id()
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=MAX_ID),
                           metadata={"description": "voters a page (at most 1,000 are sent)"})
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_ID))


class PrecinctSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    polygon = fields.Dict(allow_none=True)
