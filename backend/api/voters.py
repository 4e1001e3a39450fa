from flask.views import MethodView
from flask_smorest import Blueprint

from backend.api.guard import actor
from backend.extensions import db
from backend.schemas.voters import DoorSchema, PrecinctSchema, VoterQuerySchema, VoterSchema
from backend.services import voters as voter_service

blp = Blueprint("voters", __name__, url_prefix="/api", description="Voters, doors and precincts")


@blp.route("/voters")
class Voters(MethodView):
    @blp.arguments(VoterQuerySchema, location="query")
    @blp.response(200, VoterSchema(many=True))
    def get(self, query):
        return voter_service.list_voters(db.session, actor(), **query)


@blp.route("/voters/<int:voter_id>")
class VoterById(MethodView):
    @blp.response(200, VoterSchema)
    def get(self, voter_id):
        """A voter; canvassers get only the fields a canvasser needs, for their own turfs."""
        return voter_service.get_voter(db.session, voter_id, actor())


@blp.route("/doors/<int:door_id>")
class DoorById(MethodView):
    @blp.response(200, DoorSchema)
    def get(self, door_id):
        return voter_service.get_door(db.session, door_id, actor())


@blp.route("/precincts")
class Precincts(MethodView):
    @blp.response(200, PrecinctSchema(many=True))
    def get(self):
        return voter_service.list_precincts(db.session, actor())
