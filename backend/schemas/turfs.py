"""Turfs, cuts (background jobs), door lists and list codes."""

from marshmallow import Schema, fields, validate

from backend.models.turfs import TURF_STATUSES
from backend.schemas import Id
from backend.schemas.voters import CanvasserVoterSchema, DoorAddressSchema


class UserRefSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    email = fields.String()
    is_active = fields.Boolean()  # organizers only: a disabled canvasser keeps their turfs


class TurfProgressSchema(Schema):
    doors_attempted = fields.Integer()
    contacts = fields.Integer()
    contact_rate = fields.Float(allow_none=True)
    share_done = fields.Float(metadata={"description": "doors attempted / door count, 0..1"})


class TurfSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    universe_id = fields.Integer(allow_none=True)
    status = fields.String(validate=validate.OneOf(TURF_STATUSES),
                           metadata={"description": "derived from reports"})
    outline = fields.Dict(allow_none=True, metadata={"description": "GeoJSON geometry, lon/lat"})
    bbox = fields.List(fields.Float(), allow_none=True,
                       metadata={"description": "[min_lon, min_lat, max_lon, max_lat]"})
    door_count = fields.Integer()
    voter_count = fields.Integer()
    walk_m = fields.Float()
    minutes = fields.Float(metadata={"description": "estimated shift time"})
    list_code = fields.String(allow_none=True)
    list_code_expires_at = fields.DateTime(allow_none=True)
    progress = fields.Nested(TurfProgressSchema)
    assignees = fields.List(fields.Nested(UserRefSchema))
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class TurfListQuerySchema(Schema):
    universe_id = Id()
    status = fields.String(validate=validate.OneOf(TURF_STATUSES))
    assignee_id = Id()
    outline = fields.Boolean(load_default=True, metadata={"description": "false: no outlines"})
    simplify_m = fields.Float(load_default=0, validate=validate.Range(min=0, max=5000),
                              metadata={"description": "simplify outlines to this tolerance (m)"})
    bbox = fields.String(metadata={"description": "min_lon,min_lat,max_lon,max_lat: only turfs "
                                                  "intersecting it"})


class CutSchema(Schema):
    """Auto-cut parameters (turf_cutting.CutParams)."""

    mode = fields.String(load_default="doors", validate=validate.OneOf(("doors", "time")))
    target_doors = fields.Integer(load_default=60, validate=validate.Range(min=1, max=5000))
    min_doors = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1))
    max_doors = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1))
    shift_minutes = fields.Float(load_default=120.0, validate=validate.Range(min=10, max=24 * 60))
    minutes_per_door = fields.Float(load_default=1.5, validate=validate.Range(min=0, max=60))
    walk_speed_mps = fields.Float(load_default=1.2, validate=validate.Range(min=0.1, max=5))
    keep_precincts_whole = fields.Boolean(load_default=False)
    replace = fields.Boolean(load_default=False, metadata={
        "description": "delete this universe's turfs that are unassigned and not started first"})
    name_prefix = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=150))
    seed = fields.Integer(load_default=0)


class JobSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    status = fields.String(metadata={"description": "queued, running, done, failed"})
    progress = fields.Float(metadata={"description": "0..1"})
    message = fields.String()
    params = fields.Dict()
    result = fields.Dict(allow_none=True, metadata={"description": "e.g. {turf_ids, turf_count}"})
    error = fields.String(allow_none=True)
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)


class DrawTurfSchema(Schema):
    universe_id = Id(required=True)
    name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    polygon = fields.Dict(required=True, metadata={"description": "GeoJSON Polygon, lon/lat"})
    skip_taken = fields.Boolean(load_default=False, metadata={
        "description": "take only doors in no other turf instead of refusing (409)"})


class DrawResultSchema(Schema):
    turf = fields.Nested(TurfSchema)
    skipped = fields.List(fields.Dict(), metadata={
        "description": "[{turf_id, name, door_count}]: doors inside the polygon left in "
                       "their existing turfs (skip_taken)"})


class TurfUpdateSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))


class SplitSchema(Schema):
    parts = fields.Integer(load_default=2, validate=validate.Range(min=2, max=20))


class RemoveDoorsSchema(Schema):
    door_ids = fields.List(Id(), required=True,
                           validate=validate.Length(min=1, max=5000),
                           metadata={"description": "doors to take out of the turf"})


class MergeSchema(Schema):
    turf_ids = fields.List(Id(), required=True, validate=validate.Length(min=2))
    name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class RecutSchema(CutSchema):
    turf_ids = fields.List(Id(), required=True, validate=validate.Length(min=1))


class TurfsResultSchema(Schema):
    turfs = fields.List(fields.Nested(TurfSchema))
    deleted_turf_ids = fields.List(fields.Integer())


class ListCodeSchema(Schema):
    turf_id = fields.Integer()
    list_code = fields.String()
    expires_at = fields.DateTime()
    url = fields.String(metadata={"description": "the app URL with ?list_code=; the QR holds it"})
    qr_svg = fields.String(metadata={"description": "SVG image of a QR code holding the code"})


class ClaimSchema(Schema):
    list_code = fields.String(required=True, validate=validate.Length(min=4, max=20))


class SurveyResponseOutSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    short_name = fields.String()
    position = fields.Integer()


class DoorListQuestionSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    script_text = fields.String()
    kind = fields.String()
    position = fields.Integer()
    responses = fields.List(fields.Nested(SurveyResponseOutSchema))


class DoorListResultCodeSchema(Schema):
    code = fields.String()
    name = fields.String()
    scope = fields.String()
    rank = fields.Integer()
    position = fields.Integer()


class DoorListDoorSchema(DoorAddressSchema):
    """A door as a canvasser's phone gets it, in walking order."""

    position = fields.Integer()
    building_key = fields.String()
    voters = fields.List(fields.Nested(CanvasserVoterSchema))
    # The door's contact history, as in the change feed's door_status payload.
    status = fields.String(metadata={
        "description": "door-level result so far (a result code, 'canvassed', or "
                       "'not_contacted' when never knocked)"})
    rank = fields.Integer(metadata={"description": "rank of that status, 0 when never knocked"})
    attempts = fields.Integer(metadata={"description": "knocks counted so far, by anyone"})
    last_attempt_at = fields.DateTime(allow_none=True,
                                      metadata={"description": "the latest knock, if any"})


class DoorListTurfSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    status = fields.String()
    outline = fields.Dict(allow_none=True)
    list_code = fields.String(allow_none=True)
    door_count = fields.Integer()
    voter_count = fields.Integer()
    walk_m = fields.Float()
    minutes = fields.Float()
    updated_at = fields.DateTime()


class DoorListSchema(Schema):
    """Exactly what a phone downloads for a turf."""

    turf = fields.Nested(DoorListTurfSchema)
    doors = fields.List(fields.Nested(DoorListDoorSchema), metadata={"description": "walk order"})
    survey_questions = fields.List(fields.Nested(DoorListQuestionSchema))
    result_codes = fields.List(fields.Nested(DoorListResultCodeSchema))
    change_seq = fields.Integer(metadata={"description": "pull the change feed from here"})
    generated_at = fields.DateTime()
