"""Browser tests: real Chromium through Playwright, against the real app on 127.0.0.1.

Playwright cannot download its own browser here, so Chromium is found from
``CANVASS_CHROMIUM``, Debian's ``/usr/bin/chromium``, or Playwright's cache. Each test gets
a new server on port 0 (a fresh origin: service workers and IndexedDB cannot leak) and a
fresh SQLite file.
"""

from __future__ import annotations

import glob
import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from backend.extensions import db
from tests.conftest import make_app

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def find_chromium() -> str:
    candidates = [os.environ.get("CANVASS_CHROMIUM", ""), "/usr/bin/chromium",
                  shutil.which("chromium") or "", shutil.which("chromium-browser") or ""]
    candidates += sorted(glob.glob(os.path.expanduser(
        "~/.cache/ms-playwright/chromium-*/chrome-linux*/chrome")))
    for path in candidates:
        if path and os.path.exists(path):
            return path
    pytest.fail(
        "No Chromium found for the browser tests. Install one: on Debian/Ubuntu "
        "'apt-get install -y chromium'; elsewhere set CANVASS_CHROMIUM to a Chromium or "
        "Chrome executable.", pytrace=False)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Overrides pytest-playwright's fixture of the same name; keeps --headed/--slowmo.
    return {**browser_type_launch_args, "executable_path": find_chromium(), "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def base_url():
    # Replaces pytest-base-url's fixture, which pytest 9 flags as deprecated (an error here,
    # since warnings are errors); every test builds its URLs from live_server.url instead.
    return None


@dataclass
class LiveServer:
    url: str
    app: object
    hits: list[tuple[str, str]] = field(default_factory=list)

    def factory(self):
        from tests.factories import Factory

        return Factory(db.session)


@pytest.fixture
def live_server(tmp_path):
    """The real app (API + pwa/) served on 127.0.0.1:<random port>, recording every hit."""
    app = make_app(f"sqlite:///{tmp_path / 'live.sqlite'}")
    server = LiveServer(url="", app=app)

    @app.before_request
    def _record():
        from flask import request

        server.hits.append((request.method, request.path))

    srv = make_server("127.0.0.1", 0, app, threaded=True)
    server.url = f"http://127.0.0.1:{srv.server_port}"
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    ctx = app.app_context()
    ctx.push()
    yield server
    ctx.pop()
    srv.shutdown()
    thread.join(5)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
