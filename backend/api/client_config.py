"""Settings the browser apps need before anyone logs in: where map tiles come from.

Public on purpose: the phone app draws its map while logged out (and offline, from a cached
copy), and none of this is secret. With no ``CANVASS_TILE_URL`` the maps draw outlines and
doors on a plain background.
"""

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from backend.api.guard import public

blp = Blueprint("client_config", __name__, url_prefix="/api/client_config",
                description="Public settings for the PWA and the organizer console")


class ClientConfigSchema(Schema):
    tile_url = fields.String(metadata={"description": "Leaflet tile URL template; '' for none"})
    tile_attribution = fields.String()


@blp.route("")
@public
class ClientConfig(MethodView):
    @blp.response(200, ClientConfigSchema)
    def get(self):
        return {
            "tile_url": current_app.config["CANVASS_TILE_URL"],
            "tile_attribution": current_app.config["CANVASS_TILE_ATTRIBUTION"],
        }
