"""Survey set-up: questions with responses, and result codes (VAN's preloaded)."""

from __future__ import annotations

from backend.models import SyncChange


def test_create_read_update_and_delete_a_question(org, alice, county, session):
    response = org.post("/api/survey_questions", json={
        "name": "Support for Prop 1?", "script_text": "Can we count on you?",
        "responses": [{"name": "Yes", "short_name": "Y"}, {"name": "No", "short_name": "N"},
                      {"name": "Undecided"}]})
    assert response.status_code == 201, response.get_json()
    question = response.get_json()
    assert [r["position"] for r in question["responses"]] == [0, 1, 2]
    assert session.query(SyncChange).filter_by(kind="survey_changed").count() == 1
    yes, no, undecided = question["responses"]
    # rename one, drop one, add one: kept ids stay
    changed = org.patch(f"/api/survey_questions/{question['id']}", json={
        "responses": [{"id": no["id"], "name": "No"}, {"id": yes["id"], "name": "Yes!"},
                      {"name": "Leaning yes"}]})
    assert changed.status_code == 200, changed.get_json()
    responses = changed.get_json()["responses"]
    assert [r["name"] for r in responses] == ["No", "Yes!", "Leaning yes"]
    assert responses[1]["id"] == yes["id"] and undecided["id"] not in {r["id"] for r in responses}
    assert [q["name"] for q in alice.get("/api/survey_questions").get_json()] == ["Support for Prop 1?"]
    assert alice.get(f"/api/survey_questions/{question['id']}").status_code == 200
    assert org.delete(f"/api/survey_questions/{question['id']}").status_code == 204
    # retired, not deleted: phones may hold offline answers to it
    assert org.get(f"/api/survey_questions/{question['id']}").get_json()["is_active"] is False
    assert alice.get("/api/survey_questions").get_json() == []


def test_recorded_responses_cannot_be_removed_and_answered_questions_are_deactivated(
        org, alice, county, factory):
    question = org.post("/api/survey_questions", json={
        "name": "Support?", "responses": [{"name": "Yes"}, {"name": "No"}]}).get_json()
    yes = question["responses"][0]
    voter = county.voters[0]
    door = next(d for d in county.doors if d.id == voter.door_id)
    factory.report(door, county.alice, result_code=None, items=[
        {"voter_id": voter.id, "survey_question_id": question["id"], "survey_response_id": yes["id"]}])
    response = org.patch(f"/api/survey_questions/{question['id']}",
                         json={"responses": [{"name": "Maybe"}]})
    assert response.status_code == 409 and "Yes" in response.get_json()["message"]
    assert org.delete(f"/api/survey_questions/{question['id']}").status_code == 204
    kept = org.get(f"/api/survey_questions/{question['id']}").get_json()
    assert kept["is_active"] is False
    assert alice.get("/api/survey_questions").get_json() == []
    assert alice.get(f"/api/survey_questions/{question['id']}").status_code == 404
    assert len(org.get("/api/survey_questions").get_json()) == 1
    assert org.get("/api/survey_questions?active=true").get_json() == []


def test_question_validation_names_the_field(org, county):
    response = org.post("/api/survey_questions", json={"name": "Pick one", "responses": []})
    assert response.status_code == 422 and "responses" in response.get_json()["errors"]
    response = org.post("/api/survey_questions", json={
        "name": "Dupes", "responses": [{"name": "Yes"}, {"name": "yes"}]})
    assert response.status_code == 422
    response = org.post("/api/survey_questions", json={"name": "Comments", "kind": "text"})
    assert response.status_code == 201
    response = org.post("/api/survey_questions", json={"kind": "single"})
    assert response.status_code == 422 and "name" in response.get_json()["errors"]


def test_result_codes_are_preloaded_and_can_be_disabled_or_added(org, alice, county):
    codes = org.get("/api/result_codes").get_json()
    by_code = {c["code"]: c for c in codes}
    for code in ("not_home", "refused", "moved", "deceased", "inaccessible", "wrong_address",
                 "canvassed"):
        assert code in by_code
    assert by_code["not_home"]["van_result_code_id"] == 1
    response = org.patch(f"/api/result_codes/{by_code['hostile']['id']}", json={"is_active": False})
    assert response.status_code == 200 and response.get_json()["is_active"] is False
    assert "hostile" not in {c["code"] for c in alice.get("/api/result_codes").get_json()}
    assert "hostile" in {c["code"] for c in org.get("/api/result_codes").get_json()}
    made = org.post("/api/result_codes", json={"code": "gate_locked", "name": "Gate locked",
                                               "scope": "door"})
    assert made.status_code == 201 and made.get_json()["rank"] == 1
    assert org.post("/api/result_codes", json={"code": "gate_locked", "name": "x"}).status_code == 409
    assert org.post("/api/result_codes", json={"code": "Bad Code", "name": "x"}).status_code == 422


def test_canvassers_cannot_change_the_survey(alice, org, county):
    question = org.post("/api/survey_questions", json={
        "name": "Support?", "responses": [{"name": "Yes"}]}).get_json()
    code = org.get("/api/result_codes").get_json()[0]
    assert alice.post("/api/survey_questions", json={"name": "x", "kind": "text"}).status_code == 403
    assert alice.patch(f"/api/survey_questions/{question['id']}", json={"name": "y"}).status_code == 403
    assert alice.delete(f"/api/survey_questions/{question['id']}").status_code == 403
    assert alice.post("/api/result_codes", json={"code": "abc", "name": "x"}).status_code == 403
    assert alice.patch(f"/api/result_codes/{code['id']}", json={"is_active": False}).status_code == 403
