from flask.views import MethodView
from flask_smorest import Blueprint

from backend.api.guard import actor
from backend.extensions import db
from backend.schemas.assignments import (
    AssignmentQuerySchema,
    AssignmentSchema,
    AssignSchema,
    ReassignSchema,
)
from backend.services import assignments as assignment_service

blp = Blueprint("assignments", __name__, url_prefix="/api",
                description="Assignments: turfs given to canvassers")


@blp.route("/assignments")
class Assignments(MethodView):
    @blp.arguments(AssignmentQuerySchema, location="query")
    @blp.response(200, AssignmentSchema(many=True))
    def get(self, query):
        return assignment_service.list_assignments(db.session, actor(), **query)

    @blp.arguments(AssignSchema)
    @blp.response(201, AssignmentSchema(many=True))
    def post(self, data):
        """Give each turf to each user; live assignments already there are kept."""
        return assignment_service.assign(db.session, data["turf_ids"], data["user_ids"], actor())


@blp.route("/assignments/<int:assignment_id>")
class AssignmentById(MethodView):
    @blp.response(200, AssignmentSchema)
    def delete(self, assignment_id):
        """Take the turf back from this canvasser (the assignment ends; history stays)."""
        return assignment_service.end_assignment(db.session, assignment_id, actor())


@blp.route("/turfs/<int:turf_id>/assignees")
class Assignees(MethodView):
    @blp.arguments(ReassignSchema)
    @blp.response(200, AssignmentSchema(many=True))
    def put(self, data, turf_id):
        """Reassign: the turf goes to exactly these users; [] takes it back from everyone."""
        return assignment_service.set_assignees(db.session, turf_id, data["user_ids"], actor())
