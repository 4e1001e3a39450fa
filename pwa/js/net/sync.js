/**
 * Sync: push the outbox in batches, then pull the organizers' changes. One pass at a time
 * in a tab (single flight) and across tabs (Web Locks); retries back off exponentially
 * with jitter. Runs on start, on `online`, after recording, on a timer and when the app
 * comes back to the foreground.
 */
import { ApiError, NetworkError, TimeoutError, api } from "./api.js";
import { deleteMeta, getMeta, setMeta } from "../data/db.js";
import * as reports from "../data/reports.js";
import * as store from "../data/store.js";

export const MAX_BATCH = 200;
const TIMER_MS = 60_000;
const BASE_RETRY_MS = 2_000;
const MAX_RETRY_MS = 5 * 60_000;

export const state = {
  phase: "idle", // idle | syncing | offline | error | login
  waiting: 0,
  parked: 0,
  lastSyncAt: null,
  lastError: "",
  // The last failure's HTTP status and error body, for the volunteer's words (refusalText).
  lastErrorStatus: null,
  lastErrorBody: null,
  nextRetryAt: null,
  notices: 0, // turf notices added by this tab's sync passes: the open view shows them
};

const listeners = new Set();
const channel = "BroadcastChannel" in self ? new BroadcastChannel("canvass-sync") : null;
let inFlight = null;
let again = false;
let failures = 0;
let retryTimer = null;
let batchSize = MAX_BATCH;

/** Be told whenever counts or the sync phase change. Returns an unsubscribe function. */
export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

async function emit() {
  state.waiting = await reports.waitingCount();
  state.parked = await reports.parkedCount();
  for (const fn of listeners) fn(state);
}

/** Refresh counts (after a local write) and tell the other tabs. */
export async function changed() {
  await emit();
  channel?.postMessage("changed");
}

/** Start one sync pass (or join the running one; a request during a pass runs one more). */
export function sync() {
  if (inFlight) {
    again = true;
    return inFlight;
  }
  inFlight = run().finally(() => {
    inFlight = null;
    if (again) {
      again = false;
      sync();
    }
  });
  return inFlight;
}

async function run() {
  if (!(await store.getSession())) return;
  if (navigator.locks) {
    // Another tab syncing holds the lock; wait for it, then push whatever is still left.
    await navigator.locks.request("canvass-sync", () => pass());
  } else {
    await pass();
  }
}

async function pass() {
  clearTimeout(retryTimer);
  state.phase = "syncing";
  state.nextRetryAt = null;
  await emit();
  try {
    await push();
    await pull();
    await wipeRevoked();
    failures = 0;
    state.phase = "idle";
    state.lastError = "";
    state.lastErrorStatus = null;
    state.lastErrorBody = null;
    state.lastSyncAt = new Date().toISOString();
    await setMeta("last_sync_at", state.lastSyncAt);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      // Token expired or revoked: keep everything, ask for a login, retry after it.
      state.phase = "login";
      state.lastError = err.message;
    } else {
      failures++;
      state.phase = err instanceof NetworkError || !navigator.onLine ? "offline" : "error";
      state.lastError = err.message;
      state.lastErrorStatus = err instanceof ApiError ? err.status : null;
      state.lastErrorBody = err instanceof ApiError ? err.body : null;
      const delay = Math.min(BASE_RETRY_MS * 2 ** (failures - 1), MAX_RETRY_MS);
      const jittered = Math.round(delay * (0.5 + Math.random()));
      state.nextRetryAt = Date.now() + jittered;
      retryTimer = setTimeout(sync, jittered);
    }
  }
  await emit();
  channel?.postMessage("changed");
}

/**
 * Send the outbox oldest first, at most MAX_BATCH per request. Only uuids the server
 * answered leave the outbox. A request the server refuses as a whole is split until the
 * one bad report is found and parked, so it never blocks the others.
 */
async function push() {
  const device = await reports.deviceId();
  for (let guard = 0; guard < 10_000; guard++) {
    // Known offline: no request can leave, so the reports stay "never sent" (undone by
    // deleting them) rather than being marked as possibly on the server.
    if (!navigator.onLine) throw new NetworkError("offline");
    const batch = await reports.markSending(await reports.outboxBatch(batchSize));
    if (!batch.length) {
      batchSize = MAX_BATCH;
      return;
    }
    let answer;
    try {
      answer = await api.pushReports(device, batch.map(reports.wire));
    } catch (err) {
      // On a link too slow to carry this batch in time, the next try sends half as many.
      if (err instanceof TimeoutError) batchSize = Math.max(1, Math.ceil(batch.length / 2));
      const wholeBatchRefused =
        err instanceof ApiError && [400, 413, 422].includes(err.status);
      if (!wholeBatchRefused) throw err;
      if (batch.length > 1) {
        batchSize = Math.max(1, Math.ceil(batch.length / 2));
        continue;
      }
      await reports.acknowledge(
        [{ uuid: batch[0].uuid, status: "rejected", message: err.message, errors: err.body.errors }],
        batch,
      );
      continue;
    }
    const { done, rejected, told } = await reports.acknowledge(answer.results || [], batch);
    for (const report of told) await tell(report);
    await emit();
    if (done + rejected === 0) throw new Error("The server answered without acknowledging any report.");
  }
}

/**
 * A report stored with a flag the volunteer must hear of (an answer to a question removed
 * since was not kept): a notice on its turf naming the door. Nothing is sent again.
 */
async function tell(report) {
  if (report.turf_id == null || !(await onPhone(report.turf_id))) return;
  const door = await store.getDoor(report.turf_id, report.door_id);
  const address = door ? door.address_line + (door.unit ? `, ${door.unit}` : "") : `#${report.door_id}`;
  await store.addNotice(report.turf_id, { kind: "survey_answer_dropped", door_id: report.door_id, address });
  state.notices++;
}

/** Pull the change feed from the stored cursor and act on each change. */
async function pull() {
  let cursor = await getMeta("cursor");
  for (let page = 0; page < 100; page++) {
    const answer = await api.changes(cursor ?? 0);
    for (const change of answer.changes || []) await apply(change);
    if (answer.cursor !== undefined && answer.cursor !== null) {
      cursor = answer.cursor;
      await setMeta("cursor", cursor);
    }
    if (!answer.has_more) return;
  }
}

const onPhone = async (turfId) => turfId != null && (await store.getTurf(turfId));

async function apply(change) {
  const p = change.payload || {};
  const turfId = change.turf_id ?? p.turf_id ?? null;
  switch (change.kind) {
    case "turf_unassigned":
    case "turf_deleted":
      if (await onPhone(turfId)) {
        await store.addNotice(turfId, { kind: change.kind }, { status: "revoked" });
      }
      break;
    case "turf_assigned":
      // A turf not on the phone yet (an organizer gave it mid-shift): the walk says so.
      if (await onPhone(turfId)) await refresh(turfId, change.kind);
      else await setMeta("turfs_changed", true);
      break;
    case "doors_removed":
      if (await onPhone(turfId)) {
        await store.removeDoors(turfId, p.door_ids || []);
        await store.addNotice(turfId, { kind: change.kind, count: (p.door_ids || []).length });
      }
      break;
    case "do_not_contact":
      await store.markDoNotContact(p);
      if (await onPhone(turfId)) await store.addNotice(turfId, { kind: change.kind });
      break;
    case "doors_added":
    case "turf_updated":
      if (await onPhone(turfId)) await refresh(turfId, change.kind);
      break;
    case "door_status":
      // A change without a status says only that the access note changed: the status stays.
      if (p.status !== undefined && (await onPhone(turfId))) await store.setDoorStatus(turfId, p.door_id, p);
      break;
    case "survey_changed":
      for (const turf of await store.listTurfs()) {
        if (turf.status !== "revoked") await refresh(turf.id, change.kind);
      }
      break;
    default:
      break; // a newer server's change kind: ignore rather than stop syncing
  }
}

async function refresh(turfId, kind) {
  const turf = await store.getTurf(turfId);
  if (!turf || turf.status === "revoked") return;
  await store.saveDoorList(await api.doorList(turfId));
  if (kind === "doors_added" || kind === "turf_updated") await store.addNotice(turfId, { kind });
}

/** Turfs taken back from this volunteer leave the phone once their reports are synced. */
async function wipeRevoked() {
  for (const turf of await store.revokedTurfs()) {
    if (await store.wipeTurfIfSynced(turf.id)) {
      // A walk on it is over too: else "walk in progress" held back updates for good, with
      // no walk list left to end it from.
      if ((await getMeta("walk"))?.turf_id === turf.id) await deleteMeta("walk");
      const gone = (await getMeta("wiped_turfs")) || [];
      gone.push({ id: turf.id, name: turf.name, kind: turf.notices?.at(-1)?.kind || "turf_unassigned" });
      await setMeta("wiped_turfs", gone);
    }
  }
}

let started = false;

/** Wire the triggers once: start, online, foreground, timer, other tabs. */
export function start() {
  if (started) return;
  started = true;
  self.addEventListener("online", () => {
    failures = 0;
    sync();
  });
  self.addEventListener("offline", () => {
    state.phase = "offline";
    emit();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") sync();
  });
  setInterval(() => {
    if (document.visibilityState === "visible") sync();
  }, TIMER_MS);
  channel?.addEventListener("message", () => emit());
  sync();
}

/** Testing and debugging surface: how many attempts have failed in a row. */
export const failuresInARow = () => failures;
