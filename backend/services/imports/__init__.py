"""Voter files in: real state layouts, doors, precincts, vote history, rejects.

``import_voters`` is the one entry point for voter files; ``geocoding`` (a sibling service)
places the doors that came without coordinates.
"""

from backend.services.imports.voters import SHOWN_PROBLEMS, ImportSummary, import_voters

__all__ = ["SHOWN_PROBLEMS", "ImportSummary", "import_voters"]
