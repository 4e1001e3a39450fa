/**
 * The only module that opens IndexedDB. Every other module goes through `db()` and the
 * helpers here; a write is done when its transaction completes (`tx.done`), never before.
 *
 * Never await anything but IndexedDB inside a transaction: the transaction auto-commits
 * at the first foreign await (fetch, timers), and later requests would fail.
 */
import { openDB, deleteDB } from "../../vendor/idb/index.js";

export const DB_NAME = "canvass";

// Upgrades are cumulative and numbered: a phone that skipped versions runs each step in turn.
const UPGRADES = [
  // 1: the first schema.
  (db) => {
    // Small key-value facts: session, device_id, sync cursor, walk state, settings.
    db.createObjectStore("meta");
    // Downloaded turfs (door_list header: name, outline, survey, result codes).
    db.createObjectStore("turfs", { keyPath: "id" });
    // Doors keyed by [turf_id, id]: a door moved between two turfs on this phone stays in both
    // until each turf is wiped, so wiping one never removes the other's copy.
    const doors = db.createObjectStore("doors", { keyPath: ["turf_id", "id"] });
    doors.createIndex("turf_id", "turf_id");
    // The outbox: reports not yet acknowledged by the server, keyed by the phone-made uuid.
    // Items leave only one by one, on an accepted/duplicate answer for that uuid.
    const outbox = db.createObjectStore("outbox", { keyPath: "uuid" });
    outbox.createIndex("seq", "seq");
    outbox.createIndex("turf_id", "turf_id");
    // Reports the server rejected, with its reason: kept apart so they never block the rest.
    db.createObjectStore("parked", { keyPath: "uuid" });
    // Every report made on this phone (sent or not): local door status, undo, own progress.
    const history = db.createObjectStore("history", { keyPath: "uuid" });
    history.createIndex("turf_id", "turf_id");
    history.createIndex("seq", "seq");
  },
];
export const DB_VERSION = UPGRADES.length;

let opening = null;

/** @returns {Promise<import("../../vendor/idb/index.js").IDBPDatabase>} */
export function db() {
  if (!opening) {
    opening = openDB(DB_NAME, DB_VERSION, {
      upgrade(database, oldVersion, _newVersion, tx) {
        for (let v = oldVersion; v < UPGRADES.length; v++) UPGRADES[v](database, tx);
      },
      // Another tab opened a newer schema: let it upgrade, reopen on next use.
      blocking() {
        opening?.then((d) => d.close());
        opening = null;
      },
      // The browser closed the connection (Safari does this under storage pressure).
      terminated() {
        opening = null;
      },
    });
  }
  return opening;
}

/** Read one meta value. */
export async function getMeta(key) {
  return (await db()).get("meta", key);
}

/** Write one meta value; resolves when durable. */
export async function setMeta(key, value) {
  const tx = (await db()).transaction("meta", "readwrite");
  tx.store.put(value, key);
  await tx.done;
}

export async function deleteMeta(key) {
  const tx = (await db()).transaction("meta", "readwrite");
  tx.store.delete(key);
  await tx.done;
}

/**
 * Run `work(tx)` in one read-write transaction over `stores` and resolve when it has
 * committed. `work` must only queue IndexedDB requests (it may await them).
 */
export async function write(stores, work) {
  const tx = (await db()).transaction(stores, "readwrite");
  const result = await work(tx);
  await tx.done;
  return result;
}

export async function getAll(store, index, query) {
  const d = await db();
  return index ? d.getAllFromIndex(store, index, query) : d.getAll(store, query);
}

export async function count(store, index, query) {
  const d = await db();
  return index ? d.countFromIndex(store, index, query) : d.count(store);
}

export async function get(store, key) {
  return (await db()).get(store, key);
}

/** Remove the whole database (only after logout with nothing unsent). */
export async function destroy() {
  const d = await opening;
  d?.close();
  opening = null;
  await deleteDB(DB_NAME);
}
