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
        by turf, precinct, canvasser or day.

        By turf, the rows are the live turfs and each counts the knocks on the doors it holds,
        as the turf list and turf statuses do: those sent with it and those made since the
        door joined it (its `knocks_since`), whatever turf they were sent with, so the numbers
        follow doors through splits, merges, re-cuts and removals. Knocks on doors no live
        turf counts make one row with `key` null, "Not in a current turf"; they count in the
        totals like every knock. With `universe_id`, the knocks sent with one of its turfs or
        counted by one of its live turfs."""
        return progress_service.progress(db.session, actor(), **query)


@blp.route("/quality")
class Quality(MethodView):
    @blp.arguments(QualityQuerySchema, location="query")
    @blp.response(200, QualitySchema)
    def get(self, query):
        """Per canvasser: contact rate, time between doors, distance from the door; outliers
        flagged for review."""
        return progress_service.quality(db.session, actor(), **query)
