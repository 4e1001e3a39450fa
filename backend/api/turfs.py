import datetime as dt

import orjson
from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.api.guard import actor
from backend.extensions import db
from backend.schemas.turfs import (
    ClaimSchema,
    CutSchema,
    DoorListSchema,
    DrawResultSchema,
    DrawTurfSchema,
    JobSchema,
    ListCodeSchema,
    MergeSchema,
    RecutSchema,
    RemoveDoorsSchema,
    SplitSchema,
    TurfListQuerySchema,
    TurfSchema,
    TurfsResultSchema,
    TurfUpdateSchema,
)
from backend.services import turfs as turf_service
from backend.worker import start_job_thread

blp = Blueprint("turfs", __name__, url_prefix="/api",
                description="Turfs: auto-cut, drawn, edited; door lists; list codes; jobs")


def _fast_json(payload):
    """The hot reads (2,000 turfs with outlines; a door list per phone) skip marshmallow and
    the stdlib encoder: the service already returns exactly the documented shape (a test
    checks it against the schema), and orjson encodes it several times faster.
    flask-smorest passes a Response through untouched."""
    return Response(orjson.dumps(payload), mimetype="application/json")


@blp.route("/universes/<int:universe_id>/cut")
class Cut(MethodView):
    @blp.arguments(CutSchema)
    @blp.response(202, JobSchema)
    def post(self, data, universe_id):
        """Auto-cut the universe's doors that are in no turf yet. Returns a job at once:
        small cuts come back done, large ones run in the background — poll GET /api/jobs/{id}
        (result.turf_ids when done)."""
        job = turf_service.start_cut(
            db.session, universe_id, data, actor(),
            inline_max_doors=current_app.config["CANVASS_CUT_INLINE_MAX_DOORS"])
        if job.status == "queued" and current_app.config["CANVASS_JOBS_IN_PROCESS"]:
            start_job_thread(current_app._get_current_object(), job.id)
        return job


@blp.route("/jobs/<int:job_id>")
class JobById(MethodView):
    @blp.response(200, JobSchema)
    def get(self, job_id):
        """A background job's status and progress (0..1)."""
        stale = dt.timedelta(minutes=current_app.config["CANVASS_JOB_STALE_MINUTES"])
        return turf_service.get_job(db.session, job_id, actor(), stale_after=stale)


@blp.route("/turfs")
class Turfs(MethodView):
    @blp.arguments(TurfListQuerySchema, location="query")
    @blp.response(200, TurfSchema(many=True))
    def get(self, query):
        """All live turfs with outlines, counts, status, progress and assignees (organizers).
        ?outline=false or ?simplify_m=20 make the answer lighter for the map."""
        return _fast_json(turf_service.list_turfs(db.session, actor(), **query))

    @blp.arguments(DrawTurfSchema)
    @blp.response(201, DrawResultSchema)
    def post(self, data):
        """Draw a turf: the universe's doors inside the polygon. A polygon that crosses
        itself gives 422 saying where. Doors already in another turf give 409 naming those
        turfs (errors.free_door_count: how many inside are free), unless skip_taken=true."""
        return turf_service.draw_turf(db.session, data["universe_id"], data["polygon"], actor(),
                                      name=data["name"], skip_taken=data["skip_taken"])


@blp.route("/turfs/<int:turf_id>")
class TurfById(MethodView):
    @blp.response(200, TurfSchema)
    def get(self, turf_id):
        """A turf (organizers; canvassers only their assigned turfs, 404 otherwise)."""
        return turf_service.get_turf(db.session, turf_id, actor())

    @blp.arguments(TurfUpdateSchema)
    @blp.response(200, TurfSchema)
    def patch(self, data, turf_id):
        """Rename a turf."""
        return turf_service.rename_turf(db.session, turf_id, data["name"], actor())

    @blp.response(204)
    def delete(self, turf_id):
        """Delete a turf (kept for its reports); assignments end and its doors are free."""
        turf_service.delete_turf(db.session, turf_id, actor())


@blp.route("/turfs/<int:turf_id>/split")
class Split(MethodView):
    @blp.arguments(SplitSchema)
    @blp.response(200, TurfsResultSchema)
    def post(self, data, turf_id):
        """Split a turf; the first part keeps its id, assignees and list code."""
        return turf_service.split_turf(db.session, turf_id, data["parts"], actor())


@blp.route("/turfs/<int:turf_id>/remove_doors")
class RemoveDoors(MethodView):
    @blp.arguments(RemoveDoorsSchema)
    @blp.response(200, TurfsResultSchema)
    def post(self, data, turf_id):
        """Take doors out of a turf; they are free to cut again, the walk keeps its order."""
        return turf_service.remove_turf_doors(db.session, turf_id, data["door_ids"], actor())


@blp.route("/turfs/merge")
class Merge(MethodView):
    @blp.arguments(MergeSchema)
    @blp.response(200, TurfsResultSchema)
    def post(self, data):
        """Merge touching turfs into the first; the others are deleted, assignees move.
        Turfs cut with different voter filters (universes) give 409."""
        return turf_service.merge_turfs(db.session, data["turf_ids"], actor(), name=data["name"])


@blp.route("/turfs/recut")
class Recut(MethodView):
    @blp.arguments(RecutSchema)
    @blp.response(200, TurfsResultSchema)
    def post(self, data):
        """Re-cut what is left undone: doors not knocked yet leave these turfs and are cut
        into new ones; turfs left empty are deleted. Turfs cut with different voter filters
        (universes) give 409."""
        turf_ids = data.pop("turf_ids")
        return turf_service.recut_undone(db.session, turf_ids, data, actor())


@blp.route("/turfs/<int:turf_id>/door_list")
class DoorList(MethodView):
    @blp.response(200, DoorListSchema)
    def get(self, turf_id):
        """What a phone downloads: doors in walk order with their voters (canvasser fields),
        the active survey, result codes and the outline. Canvassers: assigned turfs only."""
        return _fast_json(turf_service.door_list(db.session, turf_id, actor()))


@blp.route("/turfs/<int:turf_id>/list_code")
class ListCode(MethodView):
    @blp.response(200, ListCodeSchema)
    def get(self, turf_id):
        """The turf's current list code with its QR code (404 if none or expired)."""
        return turf_service.get_list_code(db.session, turf_id, actor(), base_url=request.host_url)

    @blp.response(201, ListCodeSchema)
    def post(self, turf_id):
        """Issue a new list code (replacing the old), valid CANVASS_LIST_CODE_TTL_DAYS days."""
        return turf_service.issue_list_code(
            db.session, turf_id, actor(), base_url=request.host_url,
            ttl_days=current_app.config["CANVASS_LIST_CODE_TTL_DAYS"])


@blp.route("/turfs/claim")
class Claim(MethodView):
    @blp.arguments(ClaimSchema)
    @blp.response(200, TurfSchema)
    def post(self, data):
        """Load a turf by its list code: it is assigned to the caller."""
        return turf_service.claim_turf(db.session, data["list_code"], actor())


@blp.route("/my/turfs")
class MyTurfs(MethodView):
    @blp.response(200, TurfSchema(many=True))
    def get(self):
        """The caller's assigned turfs."""
        return _fast_json(turf_service.my_turfs(db.session, actor()))
