from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import text

from backend.api.guard import public
from backend.extensions import db

blp = Blueprint("health", __name__, url_prefix="/api/health", description="Liveness and database check")


class HealthSchema(Schema):
    status = fields.String()
    database = fields.String()


@blp.route("")
@public
class Health(MethodView):
    @blp.response(200, HealthSchema)
    def get(self):
        db.session.execute(text("SELECT 1"))
        return {"status": "ok", "database": db.engine.dialect.name}
