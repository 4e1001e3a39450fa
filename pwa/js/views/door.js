/**
 * At a door, in a few big taps: a door result, or per voter survey responses, a result and
 * consent; a note, literature left; skip; add a person; field corrections. An apartment
 * building is one stop with its units by floor, an access note and "inaccessible" for all.
 */
import { t } from "../../i18n/index.js";
import * as store from "../data/store.js";
import * as reports from "../data/reports.js";
import { write } from "../data/db.js";
import { byFloor, counts, deciding, doorStatuses, names, ranksOf } from "../data/walk.js";
import { $, $$, html, mount, oneAtATime, toast } from "../ui/dom.js";
import { app, go, recordReport } from "../app.js";
import { locate, setSkipped, skippedDoors, statusBadge, statusLabel } from "./walk.js";

const NO_DOOR_BUTTON = new Set(["canvassed", "lit_drop"]);

// The server's limits (backend/schemas/sync.py, backend/services/sync.py): the form enforces
// the same ones, since a report the server refuses leaves the door "to do" and its data
// stranded in "needs attention".
const LIMITS = { note: 4000, text_answer: 2000, access_note: 1000, correction_details: 4000 };
// Not server limits, only there to keep a correction's details under theirs.
const NAME_MAX = 100;
const PERSON_NOTE_MAX = 1000;

async function buildingDoors(turfId, key) {
  const doors = await store.turfDoors(turfId);
  return doors.filter((d) => (d.building_key || `${d.address_line}|${d.zip || ""}`) === key);
}

/** Keep an edited access note on every unit of the building, to go out with the next report. */
async function saveAccessNote(turfId, doors, note) {
  await write(["doors"], (tx) => {
    for (const door of doors) tx.objectStore("doors").put({ ...door, access_note: note, access_note_dirty: true });
  });
}

function accessNoteFor(door) {
  return door.access_note_dirty ? door.access_note : null;
}

export async function renderStop(root, [turfIdText, keyText]) {
  const turfId = Number(turfIdText);
  const key = decodeURIComponent(keyText);
  const [turf, doors] = await Promise.all([store.getTurf(turfId), buildingDoors(turfId, key)]);
  if (!turf || !doors.length) return go(`#/walk/${turfId}`);
  const history = await reports.turfHistory(turfId);
  const status = doorStatuses(doors, history, ranksOf(turf.result_codes));
  const open = doors.filter((d) => !status.has(d.id) && !d.do_not_contact);
  mount(
    root,
    html`<section class="stop-view">
      <header class="bar">
        <a class="button" href="#/walk/${turfId}">‹ ${t("walk.list")}</a>
        <h1 class="grow">${doors[0].address_line}</h1>
      </header>
      <form class="access" data-testid="access-form">
        <label>${t("door.access_note")}<input name="access_note" maxlength="${LIMITS.access_note}" value="${doors[0].access_note || ""}" placeholder="${t("door.access_placeholder")}" /></label>
        <button type="submit">${t("common.save")}</button>
      </form>
      <div class="actions">
        <button class="big" data-action="inaccessible" data-testid="building-inaccessible" ${open.length ? "" : "disabled"}>⊘ ${t("door.building_inaccessible")}</button>
        <button class="big" data-action="skip" data-testid="skip">↻ ${t("door.skip")}</button>
      </div>
      ${byFloor(doors).map(
        ({ floor, doors: units }) => html`<h2>${floor ? t("door.floor", { floor }) : t("door.other_units")}</h2>
          <ol class="stops">${units.map((d) => html`<li class="stop" data-door="${d.id}">
            <a class="stop-link" href="#/door/${turfId}/${d.id}" data-testid="unit">
              ${statusBadge(d.do_not_contact ? "do_not_contact" : status.get(d.id), turf.result_codes)}
              <span class="grow"><strong>${d.unit || t("door.no_unit")}</strong><span class="muted">${names(d)}</span></span>
            </a></li>`)}</ol>`,
      )}
    </section>`,
  );
  // An access note being typed holds off the login screen and updates, as a door form does.
  $("[data-testid=access-form]", root).addEventListener("input", (event) => event.currentTarget.classList.add("dirty"));
  $("[data-testid=access-form]", root).addEventListener("submit", async (event) => {
    event.preventDefault();
    const note = new FormData(event.target).get("access_note").trim();
    if (note.length > LIMITS.access_note) return toast(t("door.too_long", { max: LIMITS.access_note }));
    await saveAccessNote(turfId, doors, note);
    event.target.classList.remove("dirty");
    toast(t("door.access_saved"));
  });
  const once = oneAtATime(root);
  $("[data-action=inaccessible]", root).addEventListener("click", once(async () => {
    const note = $("input[name=access_note]", root).value.trim();
    if (note.length > LIMITS.access_note) {
      toast(t("door.too_long", { max: LIMITS.access_note }));
      return false;
    }
    // One tap, one undo: "Undo last" takes the whole building's reports back together.
    const undoGroup = crypto.randomUUID();
    for (const door of open) {
      await recordReport({ door_id: door.id, turf_id: turfId, result_code: "inaccessible", access_note: note || accessNoteFor(door), undo_group: undoGroup });
    }
    await saveAccessNote(turfId, doors, note);
    await clearDirty(turfId, doors);
    toast(t("door.saved"));
    go(`#/walk/${turfId}`);
    return true;
  }));
  $("[data-action=skip]", root).addEventListener("click", async () => {
    await setSkipped(turfId, doors.map((d) => d.id), true);
    go(`#/walk/${turfId}`);
  });
}

async function clearDirty(turfId, doors) {
  await write(["doors"], async (tx) => {
    const s = tx.objectStore("doors");
    for (const d of doors) {
      const cur = await s.get([turfId, d.id]);
      if (cur) s.put({ ...cur, access_note_dirty: false });
    }
  });
}

function choiceButtons(name, options, testid) {
  return options.map(
    ([value, label]) => html`<button type="button" class="choice" aria-pressed="false" data-group="${name}" data-value="${value}" ${testid ? raw(`data-testid="${testid}"`) : ""}>${label}</button>`,
  );
}

function raw(s) {
  return { __raw: s };
}

function voterCard(voter, turf) {
  const v = voter.id;
  const dnc = voter.do_not_contact;
  const voterCodes = turf.result_codes.filter((c) => (c.scope === "voter" || c.scope === "both") && !NO_DOOR_BUTTON.has(c.code));
  return html`<article class="voter card" data-voter="${v}" data-testid="voter">
    <h3>${[voter.first_name, voter.middle_name, voter.last_name, voter.suffix].filter(Boolean).join(" ")}
      ${voter.age_band ? html`<span class="muted">${voter.age_band}</span>` : ""}</h3>
    ${dnc
      ? html`<p class="notice tone-bad">⛔ ${t("status.do_not_contact")}</p>`
      : html`
      ${turf.survey_questions.map((q) => html`<fieldset class="question" data-question="${q.id}">
        <legend>${q.name}</legend>
        ${q.script_text ? html`<p class="script">${q.script_text}</p>` : ""}
        ${q.kind === "text"
          ? html`<input data-text="${v}:${q.id}" data-testid="text-response" maxlength="${LIMITS.text_answer}" />`
          : html`<div class="choices">${choiceButtons(`q:${v}:${q.id}`, (q.responses || []).map((r) => [r.id, r.name]), "survey-response")}</div>`}
      </fieldset>`)}
      <fieldset><legend>${t("door.voter_result")}</legend>
        <div class="choices">${choiceButtons(`r:${v}`, voterCodes.map((c) => [c.code, statusLabel(c.code, turf.result_codes)]), "voter-result")}</div>
      </fieldset>
      <fieldset><legend>${t("door.consent_recontact")}</legend>
        <div class="choices">${choiceButtons(`cr:${v}`, [["yes", t("common.yes")], ["no", t("common.no")]], "consent-recontact")}</div>
      </fieldset>
      <fieldset><legend>${t("door.consent_keep")}</legend>
        <div class="choices">${choiceButtons(`ck:${v}`, [["yes", t("common.yes")], ["no", t("common.no")]], "consent-keep")}</div>
      </fieldset>`}
  </article>`;
}

/**
 * The door screen. `supersedes` (from "Undo last" of a sent report) is the uuid of this
 * phone's report the new one corrects. A finished door first shows its result and asks:
 * correct that result (the new report supersedes the phone's report behind it, which then
 * no longer counts) or record a new visit (both count; the stronger result stays, as on the
 * server).
 */
export async function renderDoor(root, [turfIdText, doorIdText, supersedesArg]) {
  const turfId = Number(turfIdText);
  const doorId = Number(doorIdText);
  const [turf, door, past] = await Promise.all([
    store.getTurf(turfId),
    store.getDoor(turfId, doorId),
    reports.turfHistory(turfId),
  ]);
  if (!turf || !door) return go(`#/walk/${turfId}`);
  let supersedes = supersedesArg || null;
  const target = supersedes && past.find((r) => r.uuid === supersedes);
  if (supersedes && (!target || target.door_id !== doorId || !counts(target) || past.some((r) => r.supersedes === supersedes))) {
    // Back to a correcting screen already used: correcting that report again would make
    // both corrections count on the server. Show the door as it is now instead.
    history.replaceState(null, "", `#/door/${turfId}/${doorId}`);
    supersedes = null;
  }
  const ranks = ranksOf(turf.result_codes);
  const earlier = door.do_not_contact ? null : doorStatuses([door], past, ranks).get(doorId);
  // The phone's report that gives the door its result: the one "correct" replaces.
  const behind = deciding(doorId, past, ranks);
  const correctable = behind && behind.rank > 0 ? behind.report : null;
  // The door shows the overall result, which may come from another canvasser (or another
  // phone) while "correct" can only replace this phone's own report: say which is which.
  const notMine = Boolean(earlier && earlier !== behind?.status);
  const choose = Boolean(earlier && !supersedes);
  const building = (await store.turfDoors(turfId)).filter((d) => d.building_key && d.building_key === door.building_key).length > 1;
  const back = building ? `#/stop/${turfId}/${encodeURIComponent(door.building_key)}` : `#/walk/${turfId}`;
  const doorCodes = turf.result_codes.filter((c) => (c.scope === "door" || c.scope === "both") && !NO_DOOR_BUTTON.has(c.code));
  mount(
    root,
    html`<form class="door-view" data-testid="door-form" novalidate>
      <header class="bar">
        <a class="button" href="${back}">‹ ${t("walk.list")}</a>
        <h1 class="grow">${door.address_line}${door.unit ? html` <span class="unit">${door.unit}</span>` : ""}</h1>
      </header>
      ${door.access_note ? html`<p class="access">🔑 ${door.access_note}</p>` : ""}
      ${past.some((r) => r.door_id === doorId && r.state !== "superseded" && reports.answerDropped(r))
        ? html`<p class="notice tone-bad" role="status" data-testid="answer-dropped">⚠ ${t("door.answer_dropped")}</p>`
        : ""}
      <p class="notice" role="status" data-testid="draft-restored" hidden>✎ ${t("door.draft_restored")}
        <button type="button" class="small" data-action="discard-draft" data-testid="discard-draft">${t("door.draft_discard")}</button></p>
      <p class="notice" data-testid="correcting" ${supersedes ? "" : "hidden"}>↶ ${t("door.correcting")}</p>
      ${choose
        ? html`<div class="card earlier" data-testid="earlier">
            <p>${t("door.earlier")} ${statusBadge(earlier, turf.result_codes)}</p>
            ${notMine ? html`<p class="notice" data-testid="not-mine">${t("door.result_not_mine")}</p>` : ""}
            ${correctable ? html`<button type="button" class="big" data-action="correct" data-testid="correct-earlier">✎ ${t("door.correct_mine")} ${statusBadge(behind.status, turf.result_codes)}</button>` : ""}
            <button type="button" class="big" data-action="new-visit" data-testid="new-visit">＋ ${t("door.new_visit")}</button>
            <p class="muted">${correctable ? t("door.choice_help") : t("door.new_visit_help")}</p>
          </div>`
        : ""}
      <div data-testid="door-entry" ${choose ? "hidden" : ""}>
      ${door.do_not_contact
        ? html`<p class="notice tone-bad" data-testid="dnc">⛔ ${t("door.dnc")}</p>`
        : html`
      <h2>${t("door.no_conversation")}</h2>
      <div class="choices door-results">
        ${doorCodes.map((c) => html`<button type="button" class="big result" data-result="${c.code}" data-testid="door-result-${c.code}">${statusBadge(c.code, turf.result_codes)}</button>`)}
      </div>
      <h2>${t("door.people")}</h2>
      ${door.voters.map((v) => voterCard(v, turf))}
      <div class="new-people" data-testid="new-people"></div>
      <button type="button" class="big" data-action="add-person" data-testid="add-person">＋ ${t("door.add_person")}</button>
      <label>${t("door.note")}<textarea name="note" rows="2" maxlength="${LIMITS.note}" data-testid="note"></textarea></label>
      <button type="button" class="choice big" aria-pressed="false" data-action="lit" data-testid="lit-left">✉ ${t("walk.lit_left")}</button>
      <p class="error" role="alert" data-testid="door-error"></p>
      <button type="submit" class="primary big" data-testid="save">${t("door.save")}</button>`}
      </div>
      <button type="button" class="big" data-action="skip" data-testid="skip">↻ ${t("door.skip")}</button>
      <details class="corrections"><summary class="button" data-testid="corrections">✎ ${t("door.corrections")}</summary>
        <button type="button" class="big" data-correction="wrong_address" data-testid="correction-wrong_address">${t("correction.wrong_address")}</button>
        <button type="button" class="big" data-correction="misplaced_pin" data-testid="correction-misplaced_pin">${t("correction.misplaced_pin")}</button>
        <label>${t("correction.new_unit")}<input name="new_unit" maxlength="${NAME_MAX}" data-testid="new-unit" /></label>
        <button type="button" class="big" data-correction="new_unit">${t("correction.add_unit")}</button>
      </details>
    </form>`,
  );
  const form = $("form", root);
  let opened = !choose;
  const open = (correcting) => {
    opened = true;
    supersedes = correcting ? correctable.uuid : null;
    $("[data-testid=correcting]", form).hidden = !correcting;
    $("[data-testid=earlier]", form).remove();
    $("[data-testid=door-entry]", form).hidden = false;
  };
  $("[data-action=correct]", form)?.addEventListener("click", () => open(true));
  $("[data-action=new-visit]", form)?.addEventListener("click", () => open(false));
  form.addEventListener("click", (event) => {
    const button = event.target.closest("button.choice[data-group]");
    if (!button) return;
    const pressed = button.getAttribute("aria-pressed") === "true";
    for (const other of $$(`button[data-group="${CSS.escape(button.dataset.group)}"]`, form)) {
      other.setAttribute("aria-pressed", "false");
    }
    button.setAttribute("aria-pressed", String(!pressed));
    form.classList.add("dirty");
  });
  $("[data-action=lit]", form)?.addEventListener("click", (e) => {
    const b = e.currentTarget;
    b.setAttribute("aria-pressed", String(b.getAttribute("aria-pressed") !== "true"));
    form.classList.add("dirty");
  });
  const common = () => ({
    supersedes: supersedes || null,
    door_id: doorId,
    turf_id: turfId,
    note: form.elements.note?.value.trim() || "",
    lit_drop: $("[data-action=lit]", form)?.getAttribute("aria-pressed") === "true",
    access_note: accessNoteFor(door),
    location: app.position && Date.now() - app.position.at < 10 * 60_000
      ? { lat: app.position.lat, lon: app.position.lon, accuracy_m: app.position.accuracy }
      : null,
  });
  // The draft of this form, kept on every change and dropped once its report is saved. The
  // writes run one after another, so a keep queued by the saving tap cannot outlive the drop.
  let drafting = Promise.resolve();
  let finished = false;
  const keepDraft = () => {
    drafting = drafting.then(() => {
      if (finished) return null;
      const draft = formDraft(form, supersedes, opened);
      return draft ? store.saveDraft(turfId, doorId, draft) : store.dropDraft(turfId, doorId);
    }).catch((err) => console.error(err));
  };
  const dropDraft = () => {
    finished = true;
    drafting = drafting.then(() => store.dropDraft(turfId, doorId)).catch((err) => console.error(err));
    return drafting;
  };
  form.addEventListener("input", keepDraft);
  form.addEventListener("click", keepDraft);
  const done = async () => {
    await dropDraft();
    if (door.access_note_dirty) await clearDirty(turfId, [door]);
    await setSkipped(turfId, [doorId], false);
    form.classList.remove("dirty");
    toast(t("door.saved"));
    go(back);
    return true;
  };
  const once = oneAtATime(form);
  /** Say why nothing was saved, where the volunteer looks: by the Save button. */
  const refuse = (message) => {
    const el = $("[data-testid=door-error]", form);
    el.textContent = message;
    el.scrollIntoView({ block: "center" });
    return false;
  };

  for (const button of $$("[data-result]", form)) {
    button.addEventListener("click", once(async () => {
      const problem = formProblem(form);
      if (problem) return refuse(problem);
      await recordReport({ ...common(), result_code: button.dataset.result });
      await newPeopleReports(form, common);
      return done();
    }));
  }
  $("[data-action=add-person]", form)?.addEventListener("click", () => {
    addPersonFields(form);
    form.classList.add("dirty");
  });
  // Typed text (a note, a new person's name, an answer) is as much the volunteer's work as a
  // tapped choice: a login screen or an update must not replace the form while it is there.
  form.addEventListener("input", () => form.classList.add("dirty"));
  form.addEventListener("submit", once(async () => {
    const problem = formProblem(form);
    if (problem) return refuse(problem);
    const voters = collectVoters(form, turf, door);
    const people = newPeople(form);
    const base = common();
    // The server takes a report only with a result, a voter item or literature left: a note
    // on its own would be refused at sync and the door would go back to "to do".
    const saysSomething = voters.length || base.lit_drop;
    if (base.note && !saysSomething) return refuse(t("door.note_alone"));
    if (!saysSomething && !people.length) return refuse(t("door.nothing_chosen"));
    const moved = voters.filter((v) => v.result_code === "moved").map((v) => v.voter_id);
    // "Moved" also goes to the organizers' review queue as a field correction.
    const correction = moved.length ? { kind: "moved", details: { voter_ids: moved } } : null;
    if (saysSomething) await recordReport({ ...base, voters, correction });
    await newPeopleReports(form, common);
    return done();
  }));
  $("[data-action=skip]", form).addEventListener("click", async () => {
    await setSkipped(turfId, [doorId], true);
    go(`#/walk/${turfId}`);
  });
  for (const button of $$("[data-correction]", form)) {
    button.addEventListener("click", once(async () => {
      const kind = button.dataset.correction;
      const details = {};
      if (kind === "new_unit") {
        details.unit = form.elements.new_unit.value.trim();
        if (!details.unit) return toast(t("correction.unit_needed"));
      }
      const send = async (position) => {
        if (position) Object.assign(details, { lat: position.lat, lon: position.lon, accuracy_m: position.accuracy });
        // A wrong address is the door's outcome too (where the turf has that result code, or
        // the server would refuse the report): without it the door stayed "to do" and the walk
        // kept sending the volunteer back to an address that is not there.
        const outcome = kind === "wrong_address" && turf.result_codes.some((c) => c.code === "wrong_address")
          ? { result_code: "wrong_address" }
          : {};
        await recordReport({ ...common(), supersedes: null, ...outcome, correction: { kind, details } });
        // The unit is reported: a second tap on the button must not report it twice.
        if (kind === "new_unit") form.elements.new_unit.value = "";
        toast(t("correction.sent"));
        if (kind === "wrong_address") {
          await dropDraft();
          go(back);
        } else keepDraft();
        return kind === "wrong_address";
      };
      if (kind !== "misplaced_pin") return send(null);
      // The pin correction waits for a position fix; the buttons come back if there is none.
      return new Promise((resolve) => locate((position) => send(position).then(resolve, () => resolve(false)), () => resolve(false)));
    }));
  }
  $("[data-action=discard-draft]", form).addEventListener("click", async (event) => {
    event.stopPropagation();
    await dropDraft();
    form.classList.remove("dirty");
    go(location.hash);
  });
  const draft = door.do_not_contact ? null : await store.getDraft(turfId, doorId);
  if (draft) {
    if (choose && draft.opened) open(Boolean(correctable && draft.supersedes === correctable.uuid));
    restoreDraft(form, draft);
    $("[data-testid=draft-restored]", form).hidden = false;
    form.classList.add("dirty");
  }
}

/**
 * What the form holds that is not saved: the choices pressed, answers and notes typed, the
 * people added, a unit typed; null when there is nothing.
 */
function formDraft(form, supersedes, opened) {
  const choices = {};
  for (const b of $$("button.choice[data-group][aria-pressed=true]", form)) choices[b.dataset.group] = b.dataset.value;
  const texts = {};
  for (const input of $$("input[data-text]", form)) if (input.value) texts[input.dataset.text] = input.value;
  const people = $$(".new-person", form).map((_, n) => ({
    first_name: form.elements[`np_first_${n}`].value,
    last_name: form.elements[`np_last_${n}`].value,
    note: form.elements[`np_note_${n}`].value,
    consent_recontact: form.elements[`np_recontact_${n}`].checked,
  }));
  const draft = {
    supersedes: supersedes || null,
    opened,
    choices,
    texts,
    note: form.elements.note?.value || "",
    lit_drop: $("[data-action=lit]", form)?.getAttribute("aria-pressed") === "true",
    people,
    new_unit: form.elements.new_unit?.value || "",
  };
  const empty = !Object.keys(choices).length && !Object.keys(texts).length && !draft.note && !draft.lit_drop
    && !people.length && !draft.new_unit;
  return empty ? null : draft;
}

/** Put a draft back on a freshly drawn form; what no longer exists there is left out. */
function restoreDraft(form, draft) {
  for (const [group, value] of Object.entries(draft.choices || {})) {
    const button = $(`button[data-group="${CSS.escape(group)}"][data-value="${CSS.escape(String(value))}"]`, form);
    button?.setAttribute("aria-pressed", "true");
  }
  for (const [key, value] of Object.entries(draft.texts || {})) {
    const input = $(`input[data-text="${CSS.escape(key)}"]`, form);
    if (input) input.value = value;
  }
  if (form.elements.note) form.elements.note.value = draft.note || "";
  if (draft.lit_drop) $("[data-action=lit]", form)?.setAttribute("aria-pressed", "true");
  if ($(".new-people", form)) {
    for (const person of draft.people || []) {
      addPersonFields(form);
      const n = $$(".new-person", form).length - 1;
      form.elements[`np_first_${n}`].value = person.first_name || "";
      form.elements[`np_last_${n}`].value = person.last_name || "";
      form.elements[`np_note_${n}`].value = person.note || "";
      form.elements[`np_recontact_${n}`].checked = Boolean(person.consent_recontact);
    }
  }
  if (form.elements.new_unit) form.elements.new_unit.value = draft.new_unit || "";
}

function collectVoters(form, turf, door) {
  const pressed = (group) =>
    $(`button[data-group="${CSS.escape(group)}"][aria-pressed=true]`, form)?.dataset.value;
  const out = [];
  for (const voter of door.voters) {
    if (voter.do_not_contact) continue;
    const v = voter.id;
    const responses = [];
    for (const q of turf.survey_questions) {
      if (q.kind === "text") {
        const text = $(`input[data-text="${v}:${q.id}"]`, form)?.value.trim();
        if (text) responses.push({ survey_question_id: q.id, text });
      } else {
        const r = pressed(`q:${v}:${q.id}`);
        if (r) responses.push({ survey_question_id: q.id, survey_response_id: Number(r) });
      }
    }
    const entry = { voter_id: v, responses };
    const code = pressed(`r:${v}`);
    if (code) entry.result_code = code;
    const cr = pressed(`cr:${v}`);
    if (cr) entry.consent_recontact = cr === "yes";
    const ck = pressed(`ck:${v}`);
    if (ck) entry.consent_keep_data = ck === "yes";
    if (responses.length || code || cr || ck) {
      // The server needs a result or a response per voter item; consent alone means they talked.
      if (!entry.result_code && !responses.length) entry.result_code = "canvassed";
      out.push(entry);
    }
  }
  return out;
}

/**
 * The first thing the server would refuse (too long) or the phone would drop (a new person
 * without a name), as a message for the volunteer, or null. Checked before anything is
 * recorded, so a save is all or nothing.
 */
function formProblem(form) {
  const note = form.elements.note?.value.trim() || "";
  if (note.length > LIMITS.note) return t("door.note_too_long", { n: note.length, max: LIMITS.note });
  for (const input of $$("input[data-text]", form)) {
    if (input.value.trim().length > LIMITS.text_answer) return t("door.too_long", { max: LIMITS.text_answer });
  }
  for (const { details } of newPeople(form)) {
    if (!details.first_name && !details.last_name) return t("door.new_person_name");
    if (serverJsonLength(details) > LIMITS.correction_details) return t("door.new_person_too_long");
  }
  return null;
}

/**
 * `len(json.dumps(value))` as the server measures correction details: ", " and ": " between
 * items, and every character outside printable ASCII written as a six-character \u escape
 * (an accented name counts six times).
 */
export function serverJsonLength(value) {
  if (value === null || value === undefined) return 4;
  if (typeof value === "boolean") return value ? 4 : 5;
  if (typeof value === "number") return String(value).length;
  if (typeof value === "string") {
    let n = 2;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      n += c === 0x22 || c === 0x5c || [8, 9, 10, 12, 13].includes(c) ? 2 : c < 0x20 || c >= 0x7f ? 6 : 1;
    }
    return n;
  }
  const items = Array.isArray(value)
    ? value.map(serverJsonLength)
    : Object.entries(value).map(([k, v]) => serverJsonLength(k) + 2 + serverJsonLength(v));
  return 2 + items.reduce((a, b) => a + b, 0) + Math.max(0, items.length - 1) * 2;
}

/** The people added at the door with anything typed, as correction details. */
function newPeople(form) {
  const out = [];
  for (const [n, el] of $$(".new-person", form).entries()) {
    const value = (name) => form.elements[`${name}_${n}`].value.trim();
    const details = {
      first_name: value("np_first"),
      last_name: value("np_last"),
      note: value("np_note"),
      consent_recontact: form.elements[`np_recontact_${n}`].checked,
    };
    if (details.first_name || details.last_name || details.note) out.push({ el, details });
  }
  return out;
}

function addPersonFields(form) {
  const box = $(".new-people", form);
  const n = box.children.length;
  const el = document.createElement("fieldset");
  el.className = "new-person card";
  el.innerHTML = html`<legend>${t("door.new_person")}</legend>
    <label>${t("door.first_name")}<input name="np_first_${n}" maxlength="${NAME_MAX}" data-testid="new-first" /></label>
    <label>${t("door.last_name")}<input name="np_last_${n}" maxlength="${NAME_MAX}" data-testid="new-last" /></label>
    <label>${t("door.new_person_note")}<input name="np_note_${n}" maxlength="${PERSON_NOTE_MAX}" data-testid="new-note" /></label>
    <label class="check"><input type="checkbox" name="np_recontact_${n}" /> ${t("door.consent_recontact")}</label>`.__raw;
  box.append(el);
  $("input", el).focus();
}

/** Each person added at the door becomes a correction report an organizer reviews. */
async function newPeopleReports(form, common) {
  for (const { el, details } of newPeople(form)) {
    if (!details.first_name && !details.last_name) continue;
    await recordReport({
      ...common(),
      supersedes: null,
      note: "",
      lit_drop: false,
      correction: { kind: "new_person", details },
    });
    el.remove();
  }
}
