"""The sync wire format: what phones push (canvass reports) and pull (changes).

docs/sync-protocol.md explains the protocol; these schemas are its exact shape. Unknown
fields are refused everywhere (marshmallow's default ``RAISE``), so a phone sending a field
this server does not know learns it instead of losing data silently.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from backend.schemas import MAX_ID, Id

CORRECTION_KINDS = ("new_person", "moved", "wrong_address", "misplaced_pin", "new_unit")


class SurveyAnswerSchema(Schema):
    """One answer: a response picked from the question's list, or free text."""

    survey_question_id = Id(required=True, strict=True)
    survey_response_id = Id(allow_none=True, strict=True)
    text = fields.String(allow_none=True, validate=validate.Length(max=2000))

    @validates_schema
    def _one_answer(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("survey_response_id") is None and not (data.get("text") or "").strip():
            raise ValidationError("an answer needs survey_response_id or text", "survey_response_id")


class VoterItemSchema(Schema):
    """What happened with one voter at the door."""

    voter_id = Id(required=True, strict=True)
    result_code = fields.String(allow_none=True, validate=validate.Length(max=40))
    responses = fields.List(fields.Nested(SurveyAnswerSchema), load_default=list,
                            validate=validate.Length(max=50))
    consent_recontact = fields.Boolean(allow_none=True)
    consent_keep_data = fields.Boolean(allow_none=True)

    @validates_schema
    def _says_something(self, data: dict[str, Any], **_: Any) -> None:
        if not data.get("result_code") and not data.get("responses"):
            raise ValidationError("a voter item needs a result_code or at least one response",
                                  "result_code")


class LocationSchema(Schema):
    lon = fields.Float(required=True, validate=validate.Range(-180, 180))
    lat = fields.Float(required=True, validate=validate.Range(-90, 90))
    accuracy_m = fields.Float(allow_none=True, validate=validate.Range(min=0))


class CorrectionSchema(Schema):
    """Something the voter data gets wrong, for an organizer to review."""

    kind = fields.String(required=True, validate=validate.OneOf(CORRECTION_KINDS))
    details = fields.Dict(keys=fields.String(), load_default=dict)


class SyncReportSchema(Schema):
    """One canvass report as the phone records it (see docs/sync-protocol.md)."""

    uuid = fields.UUID(required=True, metadata={"description": "made on the phone; the report's identity"})
    door_id = Id(required=True, strict=True)
    turf_id = Id(required=True, strict=True)
    recorded_at = fields.AwareDateTime(
        required=True, metadata={"description": "ISO 8601 with a zone; the phone's clock"})
    result_code = fields.String(allow_none=True, validate=validate.Length(max=40),
                                metadata={"description": "door-level outcome (result_codes.code)"})
    voters = fields.List(fields.Nested(VoterItemSchema), load_default=list,
                         validate=validate.Length(max=50))
    note = fields.String(load_default="", allow_none=True, validate=validate.Length(max=4000))
    lit_drop = fields.Boolean(load_default=False)
    access_note = fields.String(allow_none=True, validate=validate.Length(max=1000))
    location = fields.Nested(LocationSchema, allow_none=True)
    device_id = fields.String(allow_none=True, validate=validate.Length(max=64))
    app_version = fields.String(allow_none=True, validate=validate.Length(max=40))
    supersedes = fields.UUID(allow_none=True,
                             metadata={"description": "uuid of an earlier report of yours it corrects"})
    correction = fields.Nested(CorrectionSchema, allow_none=True)

    @validates_schema
    def _says_something(self, data: dict[str, Any], **_: Any) -> None:
        # A report with only `supersedes` is a retraction: it takes back an earlier report of
        # yours (an undo of one already sent) and leaves that door with no outcome of its own.
        if not (data.get("result_code") or data.get("voters") or data.get("lit_drop")
                or data.get("correction") or data.get("supersedes")):
            raise ValidationError(
                "a report needs a result_code, at least one voter item, lit_drop, a correction "
                "or supersedes", "result_code")
        voter_ids = [v["voter_id"] for v in data.get("voters") or []]
        if len(voter_ids) != len(set(voter_ids)):
            raise ValidationError("each voter may appear once per report", "voters")


class ReportList(fields.List):
    """Documented as a list of reports, loaded as raw objects: each report is validated on
    its own by the sync service, so one bad report is rejected without failing the batch."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(fields.Nested(SyncReportSchema), **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> list[Any]:
        if not isinstance(value, list):
            raise ValidationError("reports must be a list of report objects")
        return value


class SyncBatchSchema(Schema):
    """``POST /api/sync/reports``: at most CANVASS_MAX_SYNC_BATCH (200) reports."""

    device_id = fields.String(load_default="", validate=validate.Length(max=64))
    reports = ReportList(required=True)


class ExportFileSchema(Schema):
    """The phone's "export my unsent reports" file (``POST /api/sync/export_file``)."""

    device_id = fields.String(load_default="", validate=validate.Length(max=64))
    exported_at = fields.AwareDateTime(allow_none=True)
    canvasser_id = Id(allow_none=True, strict=True)
    app_version = fields.String(allow_none=True, validate=validate.Length(max=40))
    reports = ReportList(required=True)


class SyncResultSchema(Schema):
    uuid = fields.String(allow_none=True)
    status = fields.String(metadata={"enum": ["accepted", "duplicate", "rejected"]})
    flags = fields.List(fields.String())
    code = fields.String()
    message = fields.String()
    errors = fields.Dict()


class SyncResultsSchema(Schema):
    results = fields.List(fields.Nested(SyncResultSchema))
    server_time = fields.DateTime()


class ChangesQuerySchema(Schema):
    cursor = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_ID))
    limit = fields.Integer(load_default=500, validate=validate.Range(1, 500))


class ChangeSchema(Schema):
    seq = fields.Integer()
    kind = fields.String()
    turf_id = fields.Integer(allow_none=True)
    payload = fields.Dict()
    created_at = fields.DateTime()


class SyncChangesSchema(Schema):
    changes = fields.List(fields.Nested(ChangeSchema))
    cursor = fields.Integer()
    has_more = fields.Boolean()
