from flask.views import MethodView
from flask_smorest import Blueprint

from backend.api.guard import actor
from backend.extensions import db
from backend.schemas.progress import (
    ProgressQuerySchema,
    ProgressSchema,
    QualityQuerySchema,
    QualitySchema,
)
from backend.services import progress as progress_service

blp = Blueprint("progress", __name__, url_prefix="/api",
                description="Progress tables and canvassing quality signals")


@blp.route("/progress")
class Progress(MethodView):
    @blp.arguments(ProgressQuerySchema, location="query")
    @blp.response(200, ProgressSchema)
    def get(self, query):
        """Doors attempted, contacts, results, survey responses and contact rate, grouped
        by turf, precinct, canvasser or day."""
        return progress_service.progress(db.session, actor(), **query)


@blp.route("/quality")
class Quality(MethodView):
    @blp.arguments(QualityQuerySchema, location="query")
    @blp.response(200, QualitySchema)
    def get(self, query):
        """Per canvasser: contact rate, time between doors, distance from the door; outliers
        flagged for review."""
        return progress_service.quality(db.session, actor(), **query)
