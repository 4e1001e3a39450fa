"""Assignments: a turf given to one or more canvassers for a period."""

from marshmallow import Schema, fields, validate

from backend.schemas import Id
from backend.schemas.turfs import UserRefSchema


class AssignmentSchema(Schema):
    id = fields.Integer()
    turf_id = fields.Integer()
    turf_name = fields.String()
    user = fields.Nested(UserRefSchema)
    assigned_by_id = fields.Integer(allow_none=True)
    assigned_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)


class AssignmentQuerySchema(Schema):
    turf_id = Id()
    user_id = Id()
    active = fields.Boolean(load_default=True, metadata={"description": "false: include ended"})


class AssignSchema(Schema):
    turf_ids = fields.List(Id(), required=True, validate=validate.Length(min=1, max=5000))
    user_ids = fields.List(Id(), required=True, validate=validate.Length(min=1, max=100))


class ReassignSchema(Schema):
    user_ids = fields.List(Id(), required=True, validate=validate.Length(max=100),
                           metadata={"description": "exactly these canvassers; [] takes it back"})
