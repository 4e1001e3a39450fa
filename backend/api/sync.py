"""Sync: phones push canvass reports and pull what changed (docs/sync-protocol.md)."""

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.api.guard import actor
from backend.extensions import db
from backend.schemas.sync import (
    ChangesQuerySchema,
    ExportFileSchema,
    SyncBatchSchema,
    SyncChangesSchema,
    SyncResultsSchema,
)
from backend.services import sync as sync_service

blp = Blueprint("sync", __name__, url_prefix="/api/sync",
                description="Push canvass reports exactly once; pull changes by server sequence")


@blp.route("/reports")
class Reports(MethodView):
    @blp.arguments(SyncBatchSchema)
    @blp.response(200, SyncResultsSchema)
    @blp.alt_response(413, description="More than CANVASS_MAX_SYNC_BATCH reports, or too many bytes")
    def post(self, batch):
        """Push up to 200 reports; each is answered accepted, duplicate or rejected.

        Retrying a batch is always safe: a report already stored is answered `duplicate`.
        """
        return sync_service.ingest_reports(
            db.session, actor(), batch["reports"], device_id=batch["device_id"],
            max_reports=current_app.config["CANVASS_MAX_SYNC_BATCH"])


@blp.route("/changes")
class Changes(MethodView):
    @blp.arguments(ChangesQuerySchema, location="query")
    @blp.response(200, SyncChangesSchema)
    def get(self, query):
        """What changed for you since `cursor` (start at 0); pull again while `has_more`."""
        return sync_service.changes_for(db.session, actor(), **query)


@blp.route("/export_file")
class ExportFile(MethodView):
    @blp.doc(requestBody={"content": {
        "application/json": {"schema": ExportFileSchema},
        "multipart/form-data": {"schema": {"type": "object", "properties": {
            "file": {"type": "string", "format": "binary"}}}}}})
    @blp.response(200, SyncResultsSchema)
    def post(self):
        """Upload a phone's "export my unsent reports" file (multipart field `file`, or the
        JSON as the body); the same ingest and rules as a push."""
        upload = request.files.get("file")
        content = upload.read() if upload is not None else request.get_data()
        return sync_service.ingest_export_file(
            db.session, actor(), content,
            max_reports=current_app.config["CANVASS_MAX_SYNC_BATCH"])
