/**
 * The walk list: the next stop first (address, unit, names, distance when asked), then the
 * rest in walk order, the skipped ones, and the finished ones. Literature-drop mode turns
 * every door into one tap.
 */
import { t } from "../../i18n/index.js";
import * as store from "../data/store.js";
import * as reports from "../data/reports.js";
import { getMeta, setMeta } from "../data/db.js";
import { distanceM, formatDistance, look, names, planWalk, ranksOf } from "../data/walk.js";
import { $, $$, html, mount, oneAtATime, toast } from "../ui/dom.js";
import { app, go, recordReport, startWalk } from "../app.js";
import * as sync from "../net/sync.js";

// Longer than the gap between the taps of a double tap (QA saw 250 ms), short enough not to
// be noticed by someone undoing two doors on purpose or walking to the next door.
const SETTLE_MS = 800;

/**
 * The list is redrawn at once after a tap with the same buttons in the same places (another
 * door's now): hold them off a moment, so the second tap of a double tap lands on nothing.
 */
function settle(root, selector) {
  const redrawn = $$(selector, root);
  for (const button of redrawn) button.disabled = true;
  setTimeout(() => {
    for (const button of redrawn) button.disabled = false;
  }, SETTLE_MS);
}

export async function skippedDoors(turfId) {
  return new Set(((await getMeta("skipped")) || {})[turfId] || []);
}

export async function setSkipped(turfId, doorIds, on) {
  const all = (await getMeta("skipped")) || {};
  const set = new Set(all[turfId] || []);
  // Skipping again moves a door to the back of the skipped ones (see renderWalk).
  for (const id of doorIds) {
    set.delete(id);
    if (on) set.add(id);
  }
  all[turfId] = [...set];
  await setMeta("skipped", all);
}

/**
 * A status's words: the app's translation, else the name an organizer gave the result code
 * in the console (the door list's `result_codes`), never the raw translation key.
 */
export function statusLabel(status, resultCodes = []) {
  const key = `status.${status}`;
  const text = t(key);
  if (text !== key) return text;
  return resultCodes.find((c) => c.code === status)?.name || status;
}

export function statusBadge(status, resultCodes = []) {
  const s = status || "todo";
  const l = look(s);
  return html`<span class="badge tone-${l.tone}" data-status="${s}"><span aria-hidden="true">${l.shape}</span> ${statusLabel(s, resultCodes)}</span>`;
}

const stopHref = (turfId, stop) =>
  stop.building ? `#/stop/${turfId}/${encodeURIComponent(stop.key)}` : `#/door/${turfId}/${stop.doors[0].id}`;

function stopTitle(stop) {
  const d = stop.doors[0];
  return d.address_line + (stop.building ? "" : d.unit ? `, ${d.unit}` : "");
}

function distance(stop) {
  if (!app.position) return "";
  const m = distanceM(app.position, stop.doors[0]);
  return m == null ? "" : html`<span class="distance" data-testid="distance">${formatDistance(m)}</span>`;
}

function stopSummary(stop, status, resultCodes = []) {
  if (stop.building) return unitsSummary(stop, status, resultCodes);
  return names(stop.doors[0]) || t("walk.no_names");
}

/**
 * A building's units at a glance: "3 of 5 units done · 1 talked · 2 not home" (talked first,
 * then the commonest results), never one unit's status standing for the whole building.
 */
export function unitsSummary(stop, status, resultCodes = []) {
  const tally = new Map();
  for (const door of stop.doors) {
    const s = status?.get(door.id);
    if (s) tally.set(s, (tally.get(s) || 0) + 1);
  }
  const parts = [...tally.entries()]
    .sort(([a, x], [b, y]) => (b === "canvassed") - (a === "canvassed") || y - x || a.localeCompare(b))
    .map(([s, n]) => `${n} ${statusLabel(s, resultCodes).toLocaleLowerCase()}`);
  return [t("walk.units_done", { n: stop.doors.length, done: stop.done }), ...parts].join(" · ");
}

function litButtons(turfId, stop, status) {
  return stop.doors
    .filter((d) => !status.has(d.id) && !d.do_not_contact)
    .map((d) => html`<button class="big lit" data-lit="${d.id}" data-testid="lit-drop">✉ ${t("walk.lit_left")}${stop.building ? ` · ${d.unit}` : ""}</button>`);
}

export async function renderWalk(root, [turfIdText]) {
  const turfId = Number(turfIdText);
  const turf = await store.getTurf(turfId);
  if (!turf) return go("#/turfs");
  await startWalk(turfId);
  const [doors, history, skipped] = await Promise.all([
    store.turfDoors(turfId),
    reports.turfHistory(turfId),
    skippedDoors(turfId),
  ]);
  const plan = planWalk(doors, history, skipped, ranksOf(turf.result_codes));
  const litMode = Boolean(await getMeta("lit_mode"));
  const newTurf = Boolean(await getMeta("turfs_changed"));
  // Only doors skipped earlier are left: the walk goes back to them, the one skipped longest
  // ago first, rather than saying every door is done while some wait to be knocked again.
  const comeBack = !plan.todo.length && plan.later.length > 0;
  const skipOrder = [...skipped];
  const skippedAt = (stop) => Math.min(...stop.doors.map((d) => skipOrder.indexOf(d.id)).filter((i) => i >= 0));
  const [next, ...rest] = comeBack ? [...plan.later].sort((a, b) => skippedAt(a) - skippedAt(b)) : plan.todo;
  const later = comeBack ? [] : plan.later;
  const pct = plan.progress.total ? Math.round((100 * plan.progress.done) / plan.progress.total) : 0;

  mount(
    root,
    html`<section class="walk ${litMode ? "lit-mode" : ""}">
      <header class="bar">
        <a class="button" href="#/turfs" aria-label="${t("common.back")}">‹ ${t("turfs.title")}</a>
        <h1 class="grow">${turf.name}</h1>
      </header>
      ${(turf.notices || []).map((n) => html`<p class="notice tone-bad" role="status" data-testid="turf-notice" data-kind="${n.kind}">⚠ ${t(`notice.${n.kind}`, { n: n.count ?? "", address: n.address ?? "" })}</p>`)}
      ${turf.notices?.length ? html`<button class="small" data-action="dismiss-notices">${t("common.ok")}</button>` : ""}
      ${newTurf ? html`<p class="notice" role="status"><a href="#/turfs" data-testid="new-turf-notice">★ ${t("walk.new_turf")}</a></p>` : ""}
      <div class="progress" data-testid="progress" data-done="${plan.progress.done}" data-total="${plan.progress.total}">
        <div class="meter" role="progressbar" aria-valuemin="0" aria-valuemax="${plan.progress.total}" aria-valuenow="${plan.progress.done}"><span style="width:${pct}%"></span></div>
        ${t("walk.progress", { done: plan.progress.done, total: plan.progress.total })}
      </div>
      <nav class="tools">
        <a class="button" href="#/map/${turfId}" data-testid="open-map">🗺 ${t("walk.map")}</a>
        <button data-action="locate" data-testid="locate">⌖ ${t("walk.locate")}</button>
        <button data-action="lit" aria-pressed="${litMode}" data-testid="lit-mode">✉ ${t("walk.lit_mode")}</button>
        <button data-action="undo" data-testid="undo">↶ ${t("walk.undo")}</button>
        <a class="button" href="#/shift" data-testid="end-shift">⏻ ${t("walk.end_shift")}</a>
      </nav>
      ${next
        ? html`<article class="next card" data-testid="next-stop" data-door="${next.doors[0].id}">
            <p class="eyebrow">${t(comeBack ? "walk.next_skipped" : "walk.next")}</p>
            <a class="stop-link" href="${stopHref(turfId, next)}" data-testid="open-next">
              <strong class="address">${stopTitle(next)}</strong>
              <span>${stopSummary(next, plan.status, turf.result_codes)}</span>
              ${next.doors[0].access_note ? html`<span class="access">🔑 ${next.doors[0].access_note}</span>` : ""}
              ${distance(next)}
            </a>
            ${litMode ? litButtons(turfId, next, plan.status) : ""}
          </article>`
        : html`<p class="card done-all" data-testid="all-done">✓ ${t("walk.all_done")}</p>`}
      <ol class="stops" data-testid="stops">
        ${rest.map((stop) => row(turfId, stop, plan.status, litMode, comeBack ? "skipped" : undefined, turf.result_codes))}
      </ol>
      ${later.length
        ? html`<h2>${t("walk.later")}</h2><ol class="stops" data-testid="later">${later.map((s) => row(turfId, s, plan.status, litMode, "skipped", turf.result_codes))}</ol>`
        : ""}
      ${plan.finished.length
        ? html`<details><summary class="button">${t("walk.finished", { n: plan.finished.length })}</summary>
            <ol class="stops" data-testid="finished">${plan.finished.map((s) => row(turfId, s, plan.status, false, undefined, turf.result_codes))}</ol></details>`
        : ""}
    </section>`,
  );

  // Read by benchmarks/pwa.py: when the walk list is drawn and its handlers are wired.
  queueMicrotask(() => performance.mark("canvass:walk-ready"));
  $("[data-action=dismiss-notices]", root)?.addEventListener("click", async () => {
    await store.dismissNotices(turfId);
    renderWalk(root, [turfIdText]);
  });
  $("[data-action=lit]", root).addEventListener("click", async () => {
    await setMeta("lit_mode", !litMode);
    renderWalk(root, [turfIdText]);
  });
  // Guarded like the save buttons: a double tap would otherwise undo two doors.
  $("[data-action=undo]", root).addEventListener("click", oneAtATime(root)(async () => {
    const undo = await reports.undoLast(turfId);
    if (!undo) {
      toast(t("walk.nothing_to_undo"));
      return false;
    }
    if (undo.retracted) {
      // A whole building at once: those not sent are gone, those sent are taken back on the
      // server by the retractions now waiting in the outbox.
      await sync.changed();
      if (undo.retracted.length) setTimeout(() => sync.sync(), 300);
      const first = doors.find((d) => d.id === (undo.undone[0] || undo.retracted[0])?.door_id);
      const n = undo.undone.length + undo.retracted.length;
      toast(t("walk.undone_building", { address: first?.address_line || "", n }));
      await renderWalk(root, [turfIdText]);
      settle(root, "[data-action=undo]");
      return true;
    }
    if (undo.sent) {
      // On the server, or maybe (a send was attempted): record the door again; the new
      // report supersedes it there as well as here.
      toast(t(undo.sent.state === "sent" ? "walk.undo_sent" : "walk.undo_maybe_sent"));
      go(`#/door/${turfId}/${undo.sent.door_id}/${undo.sent.uuid}`);
      return true;
    }
    await sync.changed();
    // In a building the unit says which door it was: the street alone fits every unit.
    const door = doors.find((d) => d.id === undo.undone.door_id);
    const address = door ? [door.address_line, door.unit].filter(Boolean).join(" ") : "";
    toast(t("walk.undone", { address }));
    await renderWalk(root, [turfIdText]);
    // "Undo last" is in the same place: a second tap would undo another door.
    settle(root, "[data-action=undo]");
    return true;
  }));
  $("[data-action=locate]", root).addEventListener("click", () => locate(() => renderWalk(root, [turfIdText])));
  for (const button of $$("[data-lit]", root)) {
    button.addEventListener("click", async () => {
      button.disabled = true;
      await recordReport({ door_id: Number(button.dataset.lit), turf_id: turfId, lit_drop: true, result_code: "lit_drop" });
      await renderWalk(root, [turfIdText]);
      // The next door's "Literature left" is now where this one was: a double tap would
      // leave literature at a door the volunteer has not reached.
      settle(root, "[data-lit]");
    });
  }
}

function row(turfId, stop, status, litMode, state, resultCodes) {
  const first = stop.doors[0];
  const s = stop.building ? state || "todo" : status.get(first.id) || state || "todo";
  // A finished building has as many results as units: its line says them all (unitsSummary).
  const badge = stop.building && !stop.open
    ? html`<span class="badge tone-good" data-status="building">▦ ${t("walk.building")}</span>`
    : statusBadge(s, resultCodes);
  return html`<li class="stop" data-door="${first.id}">
    <a class="stop-link" href="${stopHref(turfId, stop)}">
      ${badge}
      <span class="grow"><strong>${stopTitle(stop)}</strong><span class="muted" data-testid="stop-summary">${stopSummary(stop, status, resultCodes)}</span></span>
      ${distance(stop)}
    </a>
    ${litMode ? litButtons(turfId, stop, status) : ""}
  </li>`;
}

/** One position fix, on request only (no continuous GPS: it drains batteries). */
export function locate(done, failed) {
  if (!navigator.geolocation) {
    toast(t("walk.no_gps"));
    return failed?.();
  }
  toast(t("walk.locating"));
  navigator.geolocation.getCurrentPosition(
    (pos) => {
      app.position = {
        lat: pos.coords.latitude,
        lon: pos.coords.longitude,
        accuracy: pos.coords.accuracy,
        at: Date.now(),
      };
      done?.(app.position);
    },
    (err) => {
      toast(t("walk.gps_failed", { reason: err.message }));
      failed?.(err);
    },
    { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
  );
}
