from flask.views import MethodView
from flask_smorest import Blueprint

from backend.api.guard import actor
from backend.extensions import db
from backend.schemas.auth import UserCreateSchema, UserQuerySchema, UserSchema, UserUpdateSchema
from backend.services import auth as auth_service

blp = Blueprint("users", __name__, url_prefix="/api/users", description="People and roles")


@blp.route("")
class Users(MethodView):
    @blp.arguments(UserQuerySchema, location="query")
    @blp.response(200, UserSchema(many=True))
    def get(self, query):
        return auth_service.list_users(db.session, actor(), role=query.get("role"))

    @blp.arguments(UserCreateSchema)
    @blp.response(201, UserSchema)
    def post(self, data):
        return auth_service.create_user(
            db.session, data["email"], data["password"], role=data["role"],
            name=data.get("name", ""), actor=actor(),
        )


@blp.route("/<int:user_id>")
class UserItem(MethodView):
    @blp.arguments(UserUpdateSchema)
    @blp.response(200, UserSchema)
    def patch(self, data, user_id):
        """Rename, change the role of, disable or re-enable a user."""
        return auth_service.update_user(db.session, user_id, actor(), **data)


@blp.route("/<int:user_id>/tokens")
class UserTokens(MethodView):
    @blp.response(204)
    def delete(self, user_id):
        """Sign a user out of every device (revoke all their tokens)."""
        auth_service.revoke_user_tokens(db.session, user_id, actor())
