"""The field-corrections review queue."""

from marshmallow import Schema, fields, validate

from backend.services.corrections import CORRECTION_KINDS, CORRECTION_STATUSES


class FieldCorrectionSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": ", ".join(CORRECTION_KINDS)})
    status = fields.String(metadata={"description": ", ".join(CORRECTION_STATUSES)})
    door_id = fields.Integer(allow_none=True)
    voter_id = fields.Integer(allow_none=True)
    canvass_report_id = fields.Integer(allow_none=True)
    details = fields.Dict()
    door = fields.Dict(allow_none=True, metadata={"description": "address and location"})
    voter = fields.Dict(allow_none=True)
    reported_by = fields.Dict(allow_none=True)
    created_at = fields.DateTime()
    reviewed_by_id = fields.Integer(allow_none=True)
    reviewed_at = fields.DateTime(allow_none=True)
    review_note = fields.String()
    applied = fields.Dict(allow_none=True, metadata={"description": "what accepting changed"})


class CorrectionQuerySchema(Schema):
    status = fields.String(load_default="pending", validate=validate.OneOf(CORRECTION_STATUSES))
    kind = fields.String(validate=validate.OneOf(CORRECTION_KINDS))


class ReviewSchema(Schema):
    note = fields.String(load_default="", validate=validate.Length(max=2000))
