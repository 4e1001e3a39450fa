from flask.views import MethodView
from flask_smorest import Blueprint

from backend.api.guard import actor
from backend.extensions import db
from backend.schemas.corrections import CorrectionQuerySchema, FieldCorrectionSchema, ReviewSchema
from backend.services import corrections as correction_service

blp = Blueprint("corrections", __name__, url_prefix="/api",
                description="Field corrections review queue")


@blp.route("/field_corrections")
class FieldCorrections(MethodView):
    @blp.arguments(CorrectionQuerySchema, location="query")
    @blp.response(200, FieldCorrectionSchema(many=True))
    def get(self, query):
        """Corrections from the field, pending ones by default, oldest first."""
        return correction_service.list_corrections(db.session, actor(), **query)


@blp.route("/field_corrections/<int:correction_id>/accept")
class Accept(MethodView):
    @blp.arguments(ReviewSchema)
    @blp.response(200, FieldCorrectionSchema)
    def post(self, data, correction_id):
        """Apply to the voter data: new person -> a voter; moved -> voter inactive; wrong
        address -> door flagged for review; misplaced pin -> door moved."""
        return correction_service.accept(db.session, correction_id, actor(), note=data["note"])


@blp.route("/field_corrections/<int:correction_id>/reject")
class Reject(MethodView):
    @blp.arguments(ReviewSchema)
    @blp.response(200, FieldCorrectionSchema)
    def post(self, data, correction_id):
        """Reject with a note saying why."""
        return correction_service.reject(db.session, correction_id, actor(), note=data["note"])
