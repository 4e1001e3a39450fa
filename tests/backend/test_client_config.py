"""The public client settings: the tile URL the maps use, readable without logging in."""

from tests.conftest import make_app


def test_client_config_is_public_and_empty_by_default(client):
    """No tile server configured: the maps must know to draw on a plain background."""
    response = client.get("/api/client_config")
    assert response.status_code == 200
    assert response.get_json() == {"tile_url": "", "tile_attribution": ""}


def test_client_config_carries_the_configured_tile_url(database_urls):
    """CANVASS_TILE_URL reaches the browser unchanged, with its attribution."""
    app = make_app(database_urls["sqlite"], CANVASS_TILE_URL="https://tiles.example.org/{z}/{x}/{y}.png",
                   CANVASS_TILE_ATTRIBUTION="© Example")
    body = app.test_client().get("/api/client_config").get_json()
    assert body == {"tile_url": "https://tiles.example.org/{z}/{x}/{y}.png",
                    "tile_attribution": "© Example"}
