"""Contact history: the derived status does not depend on arrival order, and follows the
rank / latest / uuid rules; the universe queries select what they say."""

from __future__ import annotations

import datetime as dt
import uuid as uuidlib

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from backend.services import contact_history as ch
from backend.services.contact_history import Outcome, ReportFact, derive, derive_all
from tests.backend.sync.conftest import make_report, now, push

RANKS = {"not_home": 1, "come_back": 1, "refused": 2, "hostile": 2, "canvassed": 3,
         "moved": 4, "deceased": 4, "do_not_contact": 4, "lit_drop": 1}
T0 = dt.datetime(2026, 10, 31, 12, tzinfo=dt.UTC)

codes = st.sampled_from([None, *RANKS])
facts = st.builds(
    ReportFact,
    uuid=st.uuids().map(str),
    canvasser_id=st.integers(1, 3),
    door_id=st.integers(1, 3),
    effective_at=st.integers(0, 40).map(lambda m: T0 + dt.timedelta(hours=m)),
    result_code=codes,
    items=st.lists(st.tuples(st.integers(10, 16), codes, st.booleans()), max_size=3,
                   unique_by=lambda t: t[0]).map(tuple),
    supersedes=st.none(),
)
VOTERS = {1: [10, 11, 12], 2: [13, 14], 3: [15]}


@settings(max_examples=300, deadline=None)
@given(st.lists(facts, max_size=12, unique_by=lambda f: f.uuid), st.randoms())
def test_status_does_not_depend_on_arrival_order(reports, rnd):
    """Any permutation (and any repetition, like a retried batch) of the same reports gives
    identical statuses for every door and voter."""
    expected = derive_all(reports, VOTERS, RANKS)
    shuffled = list(reports) + list(reports[: len(reports) // 2])
    rnd.shuffle(shuffled)
    got = derive_all(shuffled, VOTERS, RANKS)
    assert {k: _plain(v) for k, v in got.items()} == {k: _plain(v) for k, v in expected.items()}


@settings(max_examples=200, deadline=None)
@given(st.lists(facts, min_size=1, max_size=10, unique_by=lambda f: f.uuid), st.data())
def test_supersedes_is_order_independent(reports, data):
    """With corrections pointing at earlier reports, the order still does not matter and the
    superseded report no longer counts."""
    target = data.draw(st.sampled_from(reports))
    fix = ReportFact(str(uuidlib.uuid4()), target.canvasser_id, target.door_id,
                     target.effective_at, "not_home", supersedes=target.uuid)
    everything = [*reports, fix]
    forward = derive_all(everything, VOTERS, RANKS)
    backward = derive_all(everything[::-1], VOTERS, RANKS)
    assert {k: _plain(v) for k, v in forward.items()} == {
        k: _plain(v) for k, v in backward.items()}
    door = forward[f"d{target.door_id}"]
    assert target.uuid not in {o.uuid for o in door.outcomes}


def _plain(d):
    return (d.status, d.rank, d.effective_at, d.report_uuid, d.attempts, d.not_home_count,
            d.last_attempt_at, d.needs_review)


def _o(uuid, status, rank, minutes=0, canvasser=1):
    return Outcome(uuid, canvasser, T0 + dt.timedelta(minutes=minutes), status, rank)


def test_rank_beats_time_and_latest_wins_within_a_rank():
    refused_late = _o("a", "refused", 2, minutes=90)
    canvassed_early = _o("b", "canvassed", 3, minutes=0)
    assert derive([refused_late, canvassed_early]).status == "canvassed"
    dnc_early = _o("c", "do_not_contact", 4, minutes=-60)
    assert derive([refused_late, canvassed_early, dnc_early]).status == "do_not_contact"
    nh1, nh2 = _o("d", "not_home", 1, 0), _o("e", "come_back", 1, 5)
    d = derive([nh2, nh1])
    assert (d.status, d.attempts, d.not_home_count) == ("come_back", 2, 1)


def test_ties_break_on_uuid():
    a = _o("00000000-0000-4000-8000-000000000001", "refused", 2)
    b = _o("ffffffff-0000-4000-8000-000000000001", "hostile", 2)
    assert derive([a, b]).report_uuid == b.uuid == derive([b, a]).report_uuid


def test_conflicting_canvassers_are_flagged_for_review():
    """Different canvassers, different outcomes of rank >= 2 within 12 h: needs review.
    Same canvasser, or not home against a conversation, or far apart: no."""
    refused = _o("a", "refused", 2, 0, canvasser=1)
    talked = _o("b", "canvassed", 3, 60, canvasser=2)
    assert derive([refused, talked]).needs_review
    assert not derive([refused, _o("b", "canvassed", 3, 60, canvasser=1)]).needs_review
    assert not derive([_o("a", "not_home", 1, 0, 1), talked]).needs_review
    assert not derive([refused, _o("b", "canvassed", 3, 13 * 60, canvasser=2)]).needs_review


def test_universe_queries(field, login, session):
    """never contacted / not home twice / do not contact / to revisit / excluded from cuts /
    turf progress select the right voters and doors after real pushes."""
    api = login(field.alice)
    d0, d1, d2 = field.doors[:3]
    v = {x.door_id: [] for x in field.voters}
    for voter in field.voters:
        v[voter.door_id].append(voter)
    t = [(now() - dt.timedelta(seconds=s)).isoformat() for s in (60, 30, 0)]
    push(api, [
        make_report(d0, field.turf, result_code="not_home", recorded_at=t[0]),
        make_report(d0, field.turf, result_code="not_home", recorded_at=t[1]),
        make_report(d1, field.turf, result_code="do_not_contact", recorded_at=t[0]),
        make_report(d2, field.turf, result_code=None, recorded_at=t[2], voters=[
            {"voter_id": v[d2.id][0].id, "responses": [
                {"survey_question_id": field.question.id, "survey_response_id": field.no.id}]},
            {"voter_id": v[d2.id][1].id, "result_code": "moved"}]),
    ])
    ids = lambda q: set(session.scalars(q))
    assert ids(ch.voter_ids_not_home(2)) == {x.id for x in v[d0.id]}
    assert ids(ch.voter_ids_not_home(3)) == set()
    assert ids(ch.voter_ids_do_not_contact()) == {x.id for x in v[d1.id]} | {v[d2.id][1].id}
    assert ids(ch.voter_ids_with_status("do_not_contact")) == {x.id for x in v[d1.id]}
    assert ids(ch.voter_ids_contacted()) == {v[d2.id][0].id}
    assert ids(ch.voter_ids_never_contacted()) == {x.id for x in v[field.doors[3].id]}
    assert ids(ch.door_ids_to_revisit()) == {d0.id} == ids(ch.door_ids_not_home(2))
    assert ids(ch.door_ids_excluded_from_cuts()) == {d1.id}
    assert ids(ch.door_ids_with_status("canvassed")) == {d2.id}
    progress = ch.turf_progress(session, field.turf.id)
    assert progress == {"doors": 3, "knocked": 3, "contacted": 1, "refused": 0,
                        "not_home": 1, "do_not_contact": 1, "needs_review": 0}
    assert ch.status_of(session, door_id=d0.id).not_home_count == 2
    assert session.scalar(select(ch.ContactHistory.status).where(
        ch.ContactHistory.subject == f"v{v[d2.id][1].id}")) == "moved"
