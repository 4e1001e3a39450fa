"""Survey questions with their responses, and result codes."""

from marshmallow import Schema, fields, validate

from backend.schemas import Id, stored_int


class SurveyResponseSchema(Schema):
    id = Id(metadata={"description": "give it to keep (and rename) a response"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    short_name = fields.String(load_default="", validate=validate.Length(max=20))
    position = fields.Integer(dump_only=True)
    van_survey_response_id = stored_int(allow_none=True, load_default=None)


class SurveyQuestionSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    script_text = fields.String(load_default="")
    kind = fields.String(load_default="single", validate=validate.OneOf(("single", "multi", "text")))
    position = stored_int(load_default=None, allow_none=True)
    is_active = fields.Boolean(load_default=True)
    van_survey_question_id = stored_int(allow_none=True, load_default=None)
    responses = fields.List(fields.Nested(SurveyResponseSchema), load_default=list)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class SurveyQuestionUpdateSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    script_text = fields.String()
    kind = fields.String(validate=validate.OneOf(("single", "multi", "text")))
    position = stored_int()
    is_active = fields.Boolean()
    van_survey_question_id = stored_int(allow_none=True)
    responses = fields.List(fields.Nested(SurveyResponseSchema))


class SurveyQuestionQuerySchema(Schema):
    active = fields.Boolean(load_default=None, allow_none=True)


class ResultCodeSchema(Schema):
    id = fields.Integer(dump_only=True)
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{1,39}$"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    rank = fields.Integer(load_default=1, validate=validate.Range(min=1, max=4))
    scope = fields.String(load_default="both", validate=validate.OneOf(("door", "voter", "both")))
    van_result_code_id = stored_int(allow_none=True, load_default=None)
    position = stored_int(load_default=None, allow_none=True)
    is_active = fields.Boolean(load_default=True)


class ResultCodeUpdateSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=100))
    position = stored_int()
    is_active = fields.Boolean()
    van_result_code_id = stored_int(allow_none=True)
