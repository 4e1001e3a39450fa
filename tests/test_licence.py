"""The licence pyproject.toml declares is shipped, whole and unmodified."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_agpl_text_is_shipped_verbatim():
    text = (ROOT / "LICENSE").read_bytes()
    assert text.startswith(b"                    GNU AFFERO GENERAL PUBLIC LICENSE\n"
                           b"                       Version 3, 19 November 2007\n")
    assert text.endswith(b"For more information on this, and how to apply and follow the GNU AGPL, "
                         b"see\n<https://www.gnu.org/licenses/>.\n")
    # the FSF's agpl-3.0.txt, byte for byte
    assert hashlib.md5(text).hexdigest() == "eb1e647870add0502f8f010b19de32af"


def test_pyproject_names_the_licence_file():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "AGPL-3.0-or-later"
    assert project["license-files"] == ["LICENSE"]
