"""Background jobs (large auto-cuts): run in a thread of the web process, or by
``canvass jobs run`` in a separate process.

Why a thread in the web process by default: it needs nothing more to deploy, and it works
the same under gunicorn (a sync worker process lives on after answering; the thread keeps
running) on SQLite (WAL; the job's writes are one transaction at the end) and PostgreSQL.
The job row is the queue: a worker takes a job with one conditional UPDATE
(``queued`` -> ``running``), so a thread and a ``canvass jobs run`` process never both run
it. A job whose worker died (a restart) is reported failed once it has run for longer than
``CANVASS_JOB_STALE_MINUTES``.

The job's own session commits only at the end; progress goes through a separate short
session, written only before the job writes anything, so it never waits on the job's locks.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from typing import Any

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.extensions import db
from backend.models import Job
from backend.models._types import utcnow

log = logging.getLogger(__name__)


def start_job_thread(app: Flask, job_id: int) -> threading.Thread:
    """Run a queued job in a daemon thread with its own app context and session.

    The request that queued the job commits after the handler returns, so the thread waits
    (briefly) until the job row is visible before claiming it."""
    thread = threading.Thread(target=_run_when_visible, args=(app, job_id),
                              name=f"canvass-job-{job_id}", daemon=True)
    thread.start()
    return thread


def _run_when_visible(app: Flask, job_id: int, wait_s: float = 30.0) -> None:
    with app.app_context():
        deadline = time.monotonic() + wait_s
        try:
            while time.monotonic() < deadline:
                status = db.session.scalar(select(Job.status).where(Job.id == job_id))
                db.session.rollback()  # end the read so the next poll sees new commits
                if status is not None:
                    break
                time.sleep(0.05)
            else:
                log.warning("job %s never became visible (its request rolled back?)", job_id)
                return
            run_job(job_id)
        finally:
            db.session.remove()


def _report_progress(job_id: int) -> Any:
    def report(fraction: float, message: str) -> None:
        with Session(db.engine) as progress_session:
            progress_session.execute(update(Job).where(Job.id == job_id)
                                     .values(progress=round(fraction, 3), message=message))
            progress_session.commit()
    return report


def run_job(job_id: int) -> bool:
    """Claim and run one queued job in the current app context; False if another worker
    has it already."""
    from backend.services.turfs import JOB_RUNNERS, claim_job

    session = db.session()
    if not claim_job(session, job_id):
        session.rollback()
        return False
    session.commit()
    job = session.get(Job, job_id)
    assert job is not None
    try:
        JOB_RUNNERS[job.kind](session, job, progress=_report_progress(job_id))
        session.commit()
    except Exception as exc:  # a job must end failed, whatever went wrong, never stay running
        session.rollback()
        log.exception("job %s failed", job_id)
        message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        session.execute(update(Job).where(Job.id == job_id).values(
            status="failed", error=message, finished_at=utcnow(),
            message="failed: " + message[:200]))
        session.commit()
        log.debug("%s", traceback.format_exc())
    return True


def run_queued_jobs(*, once: bool = True, poll_s: float = 2.0) -> int:
    """Run queued jobs oldest first (the ``canvass jobs run`` command); returns how many."""
    ran = 0
    while True:
        ids = list(db.session.scalars(select(Job.id).where(Job.status == "queued").order_by(Job.id)))
        db.session.rollback()
        for job_id in ids:
            ran += run_job(job_id)
        if once:
            return ran
        time.sleep(poll_s)


@click.group("jobs")
def jobs_command() -> None:
    """Background jobs (large auto-cuts)."""


@jobs_command.command("run")
@click.option("--loop", is_flag=True, help="Keep polling for new jobs (a separate worker).")
@click.option("--poll", default=2.0, show_default=True, help="Seconds between polls with --loop.")
@with_appcontext
def run_jobs_command(loop: bool, poll: float) -> None:
    """Run queued jobs: for deployments with CANVASS_JOBS_IN_PROCESS=0, or to finish jobs
    queued while no web worker could take them."""
    ran = run_queued_jobs(once=not loop, poll_s=poll)
    click.echo(f"Ran {ran} job(s).")
