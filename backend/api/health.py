from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from backend.api.guard import public
from backend.extensions import db
from backend.services import health as health_service

blp = Blueprint("health", __name__, url_prefix="/api/health", description="Liveness and database check")


class HealthSchema(Schema):
    status = fields.String()
    database = fields.String()


@blp.route("")
@public
class Health(MethodView):
    @blp.response(200, HealthSchema)
    def get(self):
        return health_service.check(db.session)
