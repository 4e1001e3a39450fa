from marshmallow import Schema, fields, validate

from backend.models.users import ROLES


class LoginSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(min=3, max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=1024))


class UserSchema(Schema):
    id = fields.Integer(dump_only=True)
    email = fields.String(required=True)
    name = fields.String(load_default="")
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    is_active = fields.Boolean(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class UserCreateSchema(UserSchema):
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=8, max=1024))


class UserUpdateSchema(Schema):
    name = fields.String(validate=validate.Length(max=200))
    role = fields.String(validate=validate.OneOf(ROLES))
    is_active = fields.Boolean(metadata={"description": "false disables the account and signs "
                                                       "it out of every device"})


class UserQuerySchema(Schema):
    role = fields.String(validate=validate.OneOf(ROLES))


class TokenSchema(Schema):
    token = fields.String(required=True)
    token_type = fields.String(dump_default="bearer")
    expires_in_hours = fields.Integer()
    user = fields.Nested(UserSchema)


class InviteCreateSchema(Schema):
    max_uses = fields.Integer(load_default=50, validate=validate.Range(min=1, max=1000))
    hours = fields.Integer(validate=validate.Range(min=1, max=24 * 30))


class InviteSchema(Schema):
    code = fields.String()
    url = fields.String()
    expires_at = fields.DateTime()
    max_uses = fields.Integer()
    qr_svg = fields.String(metadata={"description": "SVG image of a QR code holding the url"})


# The join form's field checks answer with codes (``errors: {"password": ["too_short"]}``),
# not English sentences: the volunteer app says them in the volunteer's language.
_REQUIRED = {"required": "required"}


class JoinSchema(Schema):
    code = fields.String(required=True, error_messages=_REQUIRED,
                         validate=validate.Length(min=4, max=40, error="unknown"))
    email = fields.String(required=True, error_messages=_REQUIRED,
                          validate=validate.Length(min=3, max=254, error="invalid"))
    name = fields.String(required=True, error_messages=_REQUIRED,
                         validate=[validate.Length(min=1, error="required"),
                                   validate.Length(max=200, error="too_long")])
    password = fields.String(required=True, load_only=True, error_messages=_REQUIRED,
                             validate=[validate.Length(min=8, error="too_short"),
                                       validate.Length(max=1024, error="too_long")])
