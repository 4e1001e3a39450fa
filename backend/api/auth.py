from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.api.guard import actor, bearer_token, public
from backend.extensions import db
from backend.schemas.auth import (
    InviteCreateSchema,
    InviteSchema,
    JoinSchema,
    LoginSchema,
    TokenSchema,
    UserSchema,
)
from backend.services import auth as auth_service
from backend.services.turfs import qr_svg

blp = Blueprint("auth", __name__, url_prefix="/api/auth", description="Login, tokens and invites")


def _token_body(token, user):
    return {
        "token": token,
        "token_type": "bearer",
        "expires_in_hours": current_app.config["CANVASS_TOKEN_TTL_HOURS"],
        "user": user,
    }


@blp.route("/login")
@public
class Login(MethodView):
    @blp.arguments(LoginSchema)
    @blp.response(200, TokenSchema)
    def post(self, data):
        """Exchange an email and password for a bearer token."""
        token, user = auth_service.login(
            db.session, data["email"], data["password"],
            ttl_hours=current_app.config["CANVASS_TOKEN_TTL_HOURS"],
        )
        return _token_body(token, user)


@blp.route("/logout")
class Logout(MethodView):
    @blp.response(204)
    def post(self):
        """Revoke the token this request carries."""
        auth_service.revoke_token(db.session, bearer_token() or "")


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, UserSchema)
    def get(self):
        return actor()


@blp.route("/invites")
class Invites(MethodView):
    @blp.arguments(InviteCreateSchema)
    @blp.response(201, InviteSchema)
    def post(self, data):
        """Issue a short-lived code (and link) that lets volunteers join as canvassers."""
        hours = data.get("hours") or current_app.config["CANVASS_INVITE_TTL_HOURS"]
        code, invite = auth_service.create_invite(
            db.session, actor(), ttl_hours=hours, max_uses=data["max_uses"]
        )
        url = f"{request.host_url}join?code={code}"
        return {
            "code": code,
            "url": url,
            "expires_at": invite.expires_at,
            "max_uses": invite.max_uses,
            "qr_svg": qr_svg(url),
        }


@blp.route("/join")
@public
class Join(MethodView):
    @blp.arguments(JoinSchema)
    @blp.response(201, TokenSchema)
    def post(self, data):
        """Join as a canvasser with an invite code; returns a token for the new account."""
        token, user = auth_service.join(
            db.session, data["code"], email=data["email"], password=data["password"],
            name=data["name"], ttl_hours=current_app.config["CANVASS_TOKEN_TTL_HOURS"],
        )
        return _token_body(token, user)
