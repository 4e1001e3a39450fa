from flask.views import MethodView
from flask_smorest import Blueprint

from backend.api.guard import actor
from backend.api.turfs import _fast_json
from backend.extensions import db
from backend.schemas.universes import (
    ElectionSchema,
    UniverseDoorSchema,
    UniverseFiltersSchema,
    UniverseListQuerySchema,
    UniversePreviewSchema,
    UniverseSchema,
    UniverseUpdateSchema,
)
from backend.services import universes as universe_service

blp = Blueprint("universes", __name__, url_prefix="/api",
                description="Universes: saved voter filters with voter and door counts")


@blp.route("/universes")
class Universes(MethodView):
    @blp.arguments(UniverseListQuerySchema, location="query")
    @blp.response(200, UniverseSchema(many=True))
    def get(self, query):
        """Saved universes (organizers); counts only with ?counts=true."""
        return universe_service.list_universes(db.session, actor(), with_counts=query["counts"])

    @blp.arguments(UniverseSchema)
    @blp.response(201, UniverseSchema)
    def post(self, data):
        """Save a universe by name; the answer carries its voter and door counts."""
        return universe_service.create_universe(db.session, data["name"], data["filters"], actor())


@blp.route("/universes/preview")
class UniversePreview(MethodView):
    @blp.arguments(UniverseFiltersSchema)
    @blp.response(200, UniversePreviewSchema)
    def post(self, filters):
        """Voter and door counts for filters, before saving or cutting."""
        return universe_service.preview(db.session, filters, actor())


@blp.route("/universes/<int:universe_id>")
class UniverseById(MethodView):
    @blp.response(200, UniverseSchema)
    def get(self, universe_id):
        return universe_service.get_universe(db.session, universe_id, actor())

    @blp.arguments(UniverseUpdateSchema)
    @blp.response(200, UniverseSchema)
    def patch(self, data, universe_id):
        return universe_service.update_universe(db.session, universe_id, actor(), **data)

    @blp.response(204)
    def delete(self, universe_id):
        """Delete a universe with no live turfs (409 otherwise)."""
        universe_service.delete_universe(db.session, universe_id, actor())


@blp.route("/universes/<int:universe_id>/doors")
class UniverseDoors(MethodView):
    @blp.response(200, UniverseDoorSchema(many=True))
    def get(self, universe_id):
        """The universe's doors for the map, with the live turf each is in (if any)."""
        return _fast_json(universe_service.universe_doors(db.session, universe_id, actor()))


@blp.route("/elections")
class Elections(MethodView):
    @blp.response(200, ElectionSchema(many=True))
    def get(self):
        """Elections in the vote history, newest first (for vote-history filters)."""
        return universe_service.list_elections(db.session, actor())
