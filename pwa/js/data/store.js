/**
 * Session, downloaded turfs and their doors. Only assigned turfs live on the phone, and a
 * turf's data is wiped once it is no longer assigned and none of its reports wait.
 */
import { count, db, deleteMeta, destroy, get, getAll, getMeta, setMeta, write } from "./db.js";

/** The session to call the server with: none when logged out or after the server refused it. */
export async function getSession() {
  const session = await getMeta("session");
  return session && !session.expired_at ? session : null;
}
export const setSession = (session) => setMeta("session", session);
export const clearSession = () => deleteMeta("session");

/**
 * The session the server refused (token expired or revoked). Its user is kept: the reports
 * waiting on the phone are theirs, and only they may send them.
 */
export async function expiredSession() {
  const session = await getMeta("session");
  return session?.expired_at ? session : null;
}

/**
 * Mark the session refused, unless it has moved on from `token` (a newer login, or another
 * tab already did it). The token goes; the user, turfs and outbox stay. Returns whether it
 * changed anything.
 */
export async function expireSession(token) {
  return write(["meta"], async (tx) => {
    const session = await tx.objectStore("meta").get("session");
    if (!session || session.expired_at || session.token !== token) return false;
    const { token: _refused, ...rest } = session;
    tx.objectStore("meta").put({ ...rest, expired_at: new Date().toISOString() }, "session");
    return true;
  });
}

/**
 * A list code opened from the console's link or QR code (or typed with no network), kept
 * until it is claimed: it survives a login, a reload and going offline.
 */
export const getListCodeToClaim = () => getMeta("list_code_to_claim");
export const keepListCodeToClaim = (code) => setMeta("list_code_to_claim", code);
export const forgetListCodeToClaim = () => deleteMeta("list_code_to_claim");

export const listTurfs = () => getAll("turfs");
export const getTurf = (id) => get("turfs", id);

/** Doors of a turf in walk order. */
export async function turfDoors(turfId) {
  const doors = await getAll("doors", "turf_id", turfId);
  return doors.sort((a, b) => a.position - b.position);
}

export const getDoor = (turfId, doorId) => get("doors", [turfId, doorId]);

/**
 * Store a downloaded door_list (replacing the turf's previous copy) in one transaction.
 * The shape is the server's `GET /api/turfs/{id}/door_list`.
 */
export async function saveDoorList(list) {
  const turf = list.turf || {};
  const turfId = turf.id;
  const doors = (list.doors || []).map((door, i) => ({
    ...door,
    turf_id: turfId,
    position: door.position ?? i,
    voters: door.voters || [],
    access_note: door.access_note || "",
  }));
  const record = {
    id: turfId,
    name: turf.name || `#${turfId}`,
    outline: turf.outline || null,
    door_count: doors.length,
    survey_questions: list.survey_questions || [],
    result_codes: list.result_codes || [],
    downloaded_at: new Date().toISOString(),
    status: "assigned",
    notices: [],
  };
  await write(["turfs", "doors", "outbox"], async (tx) => {
    const previous = await tx.objectStore("turfs").get(turfId);
    if (previous) record.notices = previous.notices || [];
    const store = tx.objectStore("doors");
    // An access note the server has not got yet (saved on the phone, or riding in a report
    // still in the outbox) is newer than the downloaded one: keep it, and keep it marked
    // to go out with the next report, or a turf refresh would silently wipe it.
    const unsent = new Map();
    for (const door of await store.index("turf_id").getAll(turfId)) {
      if (door.access_note_dirty) unsent.set(door.id, { access_note: door.access_note, access_note_dirty: true });
    }
    const waiting = await tx.objectStore("outbox").index("turf_id").getAll(turfId);
    for (const report of waiting.sort((a, b) => a.seq - b.seq)) {
      if (report.access_note !== null && report.access_note !== undefined && !unsent.get(report.door_id)?.access_note_dirty) {
        unsent.set(report.door_id, { access_note: report.access_note });
      }
    }
    const old = await store.index("turf_id").getAllKeys(turfId);
    for (const key of old) store.delete(key);
    for (const door of doors) store.put({ ...door, ...unsent.get(door.id) });
    tx.objectStore("turfs").put(record);
  });
  return record;
}

/**
 * Door form drafts: what the volunteer has picked and typed at a door but not saved yet,
 * kept in `meta` under "drafts" (keyed "turf:door") so a killed or reloaded tab loses
 * nothing. A draft never goes in the outbox: it is never sent, only restored on the form.
 */
const draftKey = (turfId, doorId) => `${turfId}:${doorId}`;

export async function getDraft(turfId, doorId) {
  return ((await getMeta("drafts")) || {})[draftKey(turfId, doorId)] || null;
}

/** Keep a door's draft (replacing the one before); resolves when durable. */
export async function saveDraft(turfId, doorId, draft) {
  await write(["meta"], async (tx) => {
    const drafts = (await tx.objectStore("meta").get("drafts")) || {};
    drafts[draftKey(turfId, doorId)] = { ...draft, saved_at: new Date().toISOString() };
    tx.objectStore("meta").put(drafts, "drafts");
  });
}

/** Drop a door's draft: its report was saved, or the volunteer discarded it. */
export async function dropDraft(turfId, doorId) {
  await write(["meta"], async (tx) => {
    const drafts = (await tx.objectStore("meta").get("drafts")) || {};
    if (!(draftKey(turfId, doorId) in drafts)) return;
    delete drafts[draftKey(turfId, doorId)];
    tx.objectStore("meta").put(drafts, "drafts");
  });
}

/** Add a notice the volunteer must see on a turf (reassigned, doors removed ...). */
export async function addNotice(turfId, notice, patch = {}) {
  await write(["turfs"], async (tx) => {
    const store = tx.objectStore("turfs");
    const turf = await store.get(turfId);
    if (!turf) return;
    turf.notices = [...(turf.notices || []), { ...notice, at: new Date().toISOString() }];
    store.put({ ...turf, ...patch });
  });
}

export async function dismissNotices(turfId) {
  await write(["turfs"], async (tx) => {
    const store = tx.objectStore("turfs");
    const turf = await store.get(turfId);
    if (turf) store.put({ ...turf, notices: [] });
  });
}

/**
 * A door's status as the server now sees it (a `door_status` change: a knock by anyone on
 * the turf, this phone included). It replaces the server's earlier status only; this
 * phone's own reports live in the history and are weighed against it in `walk.js`.
 */
export async function setDoorStatus(turfId, doorId, { status, rank, attempts, last_attempt_at }) {
  await write(["doors"], async (tx) => {
    const door = await tx.objectStore("doors").get([turfId, doorId]);
    if (door) tx.objectStore("doors").put({ ...door, status, rank, attempts, last_attempt_at });
  });
}

/** Remove doors from a turf on the phone (organizer removed them). */
export async function removeDoors(turfId, doorIds) {
  await write(["doors"], (tx) => {
    for (const id of doorIds) tx.objectStore("doors").delete([turfId, id]);
  });
}

/** Mark voters (or a whole door) as do-not-contact everywhere on the phone. */
export async function markDoNotContact({ voter_id, door_id }) {
  await write(["doors"], async (tx) => {
    const store = tx.objectStore("doors");
    let cursor = await store.openCursor();
    while (cursor) {
      const door = cursor.value;
      let changed = false;
      if (door_id && door.id === door_id) {
        door.do_not_contact = true;
        changed = true;
      }
      for (const voter of door.voters) {
        if (voter_id && voter.id === voter_id) {
          voter.do_not_contact = true;
          changed = true;
        }
      }
      if (changed) cursor.update(door);
      cursor = await cursor.continue();
    }
  });
}

/**
 * Wipe a turf's doors and history from the phone, but only when none of its reports wait
 * in the outbox or are parked. Returns whether it was wiped.
 */
export async function wipeTurfIfSynced(turfId) {
  return write(["turfs", "doors", "history", "outbox", "parked", "meta"], async (tx) => {
    const waiting = await tx.objectStore("outbox").index("turf_id").count(turfId);
    const parked = (await tx.objectStore("parked").getAll()).filter((r) => r.turf_id === turfId);
    if (waiting || parked.length) return false;
    const doors = tx.objectStore("doors");
    for (const key of await doors.index("turf_id").getAllKeys(turfId)) doors.delete(key);
    const history = tx.objectStore("history");
    for (const key of await history.index("turf_id").getAllKeys(turfId)) history.delete(key);
    tx.objectStore("turfs").delete(turfId);
    const drafts = await tx.objectStore("meta").get("drafts");
    if (drafts) {
      for (const key of Object.keys(drafts)) if (key.startsWith(`${turfId}:`)) delete drafts[key];
      tx.objectStore("meta").put(drafts, "drafts");
    }
    return true;
  });
}

/** Turfs the server no longer gives this volunteer, waiting for their reports to sync. */
export async function revokedTurfs() {
  return (await listTurfs()).filter((t) => t.status === "revoked");
}

/** Logout: refused while anything is unsent; otherwise everything goes. */
export async function wipeAll() {
  const unsent = (await count("outbox")) + (await count("parked"));
  if (unsent) return false;
  const device = await getMeta("device_id");
  await destroy();
  // The device id survives logout, so the server can tell batches from one phone apart.
  if (device) await setMeta("device_id", device);
  return true;
}

export { db };
