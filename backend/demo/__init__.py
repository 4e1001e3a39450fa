"""Demo data for Canvass: a seeded synthetic county (`backend.demo.county`).

This package stays free of Flask and SQLAlchemy so that benchmarks and the turf-cutting tests can
import the generator without an application; `canvass demo` loads its output into the database.
"""
