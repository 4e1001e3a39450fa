/**
 * The end-of-shift check: reports waiting and rejected (with the server's reason), own
 * progress, sync now, export unsent reports, end the walk, install an update when safe,
 * language, and logout (refused while anything is unsent).
 */
import { LANGUAGES, lang, refusalText, setLang, t } from "../../i18n/index.js";
import * as store from "../data/store.js";
import * as reports from "../data/reports.js";
import { getMeta } from "../data/db.js";
import { counts, ranksOf, reportStatus } from "../data/walk.js";
import { $, $$, download, html, mount, toast } from "../ui/dom.js";
import { app, endWalk, go, paintStatus, render, updateIsSafe } from "../app.js";
import * as sync from "../net/sync.js";
import * as bridge from "../sw-bridge.js";
import { api } from "../net/api.js";

/**
 * Why the server refused a report, in the volunteer's words; the server's own text stays
 * beside it for the organizer. Error keys are the report's field paths
 * ("voters[0].responses[1].survey_response_id").
 */
function whyParked(parked) {
  if (parked.code === "not_assigned") return t("parked.not_assigned");
  if (parked.code === "uuid_conflict") return t("parked.uuid_conflict");
  const fields = Object.keys(parked.errors || {}).join(" ");
  const known = [
    [/survey_(question|response)_id/, "parked.survey_answer"],
    [/voter_id/, "parked.voter"],
    [/supersedes/, "parked.supersedes"],
    [/\bnote\b|access_note|correction\.details|\.text\b/, "parked.too_long"],
    [/result_code/, "parked.result_code"],
    [/door_id/, "parked.door"],
  ];
  const match = known.find(([pattern]) => pattern.test(fields));
  return t(match ? match[1] : "parked.other");
}

// The shift check follows the sync: the volunteer waits here for "all sent" before logging
// out, and a screen still saying "36 waiting · offline" after everything went is a lie.
let following = null;
// A refused logout stays said across those redraws (the logout's own sync makes one), for
// as long as the volunteer stays on the screen and something is still unsent.
let logoutRefused = false;

function followSync(root, section) {
  following?.();
  const seen = `${sync.state.waiting}|${sync.state.parked}|${sync.state.phase}`;
  const stop = sync.subscribe((state) => {
    if (!section.isConnected) {
      stop();
      if (following === stop) following = null;
      return;
    }
    if (`${state.waiting}|${state.parked}|${state.phase}` !== seen) renderShift(root);
  });
  following = stop;
}

export async function renderShift(root) {
  // Coming to the screen afresh (not a redraw of it): an earlier refusal is old news.
  if (!$("section.shift", root)) logoutRefused = false;
  const [session, waiting, parked, turfs, walk, safety, lastSync] = await Promise.all([
    store.getSession(),
    reports.outboxAll(),
    reports.parkedAll(),
    store.listTurfs(),
    getMeta("walk"),
    updateIsSafe(),
    getMeta("last_sync_at"),
  ]);
  const unsent = waiting.length + parked.length;
  // A refused report names its door by address, as the walk does: a door id means nothing
  // to a volunteer. A door no longer on the phone keeps its number.
  const where = new Map();
  for (const p of parked) {
    const door = p.turf_id != null ? await store.getDoor(p.turf_id, p.door_id) : null;
    where.set(p.uuid, door ? [door.address_line, door.unit].filter(Boolean).join(" ") : t("shift.door", { id: p.door_id }));
  }
  const mine = [];
  for (const turf of turfs) {
    const history = (await reports.turfHistory(turf.id)).filter((r) => r.state !== "superseded");
    // A door is done by a knock with an outcome, as in the walk list: a correction alone (a
    // new person, a pin, a new unit) leaves it to do there, so it is not counted done here.
    const ranks = ranksOf(turf.result_codes);
    const knocked = history.filter((r) => counts(r) && reportStatus(r, ranks) !== "corrected");
    mine.push({ turf, doors: new Set(knocked.map((r) => r.door_id)).size, reports: history.length });
  }
  // A redraw that finishes after the volunteer left the screen must not cover the next one.
  if (document.body.dataset.view !== "shift") return;
  mount(
    root,
    html`<section class="shift">
      <header class="bar">
        <a class="button" href="${walk ? `#/walk/${walk.turf_id}` : "#/turfs"}">‹ ${t("common.back")}</a>
        <h1 class="grow">${t("shift.title")}</h1>
      </header>
      <p class="user">${session?.user?.name || ""} · ${session?.user?.email || ""}</p>
      <div class="check ${waiting.length ? "tone-again" : "tone-good"}" data-testid="shift-waiting" data-count="${waiting.length}">
        <strong>${waiting.length ? `⇅ ${t("sync.waiting", { n: waiting.length })}` : `✓ ${t("sync.all_sent")}`}</strong>
        <span class="muted">${lastSync ? t("shift.last_sync", { at: new Date(lastSync).toLocaleString(lang) }) : t("shift.never_synced")}</span>
        ${sync.state.phase === "offline" && waiting.length ? html`<span class="muted" data-testid="sync-offline">${t("shift.offline")}</span>` : ""}
        ${sync.state.phase === "error" && sync.state.lastError ? html`<span class="muted" data-testid="sync-error">${refusalText(sync.state.lastErrorStatus, sync.state.lastErrorBody)}</span>` : ""}
      </div>
      <button class="primary big" data-action="sync" data-testid="sync-now">⇅ ${t("shift.sync_now")}</button>
      ${parked.length
        ? html`<h2 class="tone-bad">⚠ ${t("shift.parked_title", { n: parked.length })}</h2>
          <p>${t("shift.parked_help")}</p>
          <ul class="cards" data-testid="parked">${parked.map((p) => html`<li class="card" data-uuid="${p.uuid}">
            <div class="grow"><strong data-testid="parked-door">${where.get(p.uuid)}</strong>
              <span data-testid="parked-why">${whyParked(p)}</span>
              <span class="reason muted" data-testid="parked-reason">${p.reason}</span>
              <span class="muted">${Object.entries(p.errors || {}).map(([k, v]) => `${k}: ${[].concat(v).join(" ")}`).join("; ")}</span></div>
            <button data-dismiss="${p.uuid}">${t("shift.dismiss")}</button></li>`)}</ul>`
        : ""}
      <h2>${t("shift.progress")}</h2>
      <ul class="cards" data-testid="own-progress">${mine.map(({ turf, doors, reports: n }) => html`<li class="card">
        <div class="grow"><strong>${turf.name}</strong>
        <span>${t("shift.doors_done", { done: doors, total: turf.door_count })} · ${t("shift.reports", { n })}</span></div></li>`)}</ul>
      <button class="big" data-action="export" data-testid="export">⤓ ${t("shift.export")}</button>
      ${walk ? html`<button class="big" data-action="end-walk" data-testid="end-walk">⏻ ${t("shift.end_walk")}</button>` : ""}
      ${app.updateReady
        ? html`<div class="card"><strong>★ ${t("update.ready")}</strong>
            ${safety.safe
              ? html`<button class="big" data-action="update" data-testid="apply-update">${t("update.apply")}</button>`
              : html`<span class="muted" data-testid="update-blocked">${t("update.blocked")}</span>`}</div>`
        : ""}
      <label>${t("shift.language")}
        <select name="lang" data-testid="language">${Object.keys(LANGUAGES).map((code) => html`<option value="${code}" ${code === lang ? "selected" : ""}>${LANGUAGES[code]["lang.name"]}</option>`)}</select>
      </label>
      <button class="big" data-action="logout" data-testid="logout">${t("shift.logout")}</button>
      <p class="error" role="alert" data-testid="logout-refused">${logoutRefused && unsent ? t("shift.logout_refused", { n: unsent }) : ""}</p>
      <p class="muted">${t("shift.version", { v: self.CANVASS_VERSION })}</p>
    </section>`,
  );
  followSync(root, $("section.shift", root));
  $("[data-action=sync]", root).addEventListener("click", async () => {
    await sync.sync();
    renderShift(root);
  });
  $("[data-action=export]", root).addEventListener("click", async () => {
    const data = await reports.exportUnsent(session?.user?.id);
    download(`canvass-unsent-${new Date().toISOString().slice(0, 19).replace(/:/g, "")}.json`, data);
    toast(t("shift.exported", { n: data.reports.length }));
  });
  $("[data-action=end-walk]", root)?.addEventListener("click", async () => {
    await endWalk();
    sync.sync();
    renderShift(root);
  });
  $("[data-action=update]", root)?.addEventListener("click", () => bridge.applyUpdate());
  for (const b of $$("[data-dismiss]", root)) {
    b.addEventListener("click", async () => {
      if (!confirm(t("shift.dismiss_confirm"))) return;
      await reports.dismissParked(b.dataset.dismiss);
      await sync.changed();
      renderShift(root);
    });
  }
  $("select[name=lang]", root).addEventListener("change", (e) => {
    setLang(e.target.value);
    // The sync bar lives outside the view and is painted on sync events only.
    paintStatus();
    render();
  });
  $("[data-action=logout]", root).addEventListener("click", async () => {
    await sync.sync();
    const unsent = (await reports.waitingCount()) + (await reports.parkedCount());
    if (unsent) {
      logoutRefused = true;
      $("[data-testid=logout-refused]", root).textContent = t("shift.logout_refused", { n: unsent });
      return;
    }
    try {
      await api.logout();
    } catch {
      // Offline: the token expires on its own; the phone's data goes now.
    }
    if (await store.wipeAll()) {
      location.hash = "#/login";
      location.reload();
    }
  });
}
