"""Canvass backend: the Flask API behind the organizer console and the volunteer app.

The data flows one way, and the packages follow it:
voter file -> voters and doors -> turfs -> door lists on phones -> canvass reports
-> contact history -> the next turf.
"""

from backend.app import create_app

__all__ = ["create_app"]
