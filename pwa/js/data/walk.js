/**
 * The walk, as pure functions over stored doors and the phone's report history:
 * door status, stops (an apartment building is one stop), the next stop first, floors,
 * and distances. No storage or DOM here.
 */

// Each status is told by a shape and a word as well as a colour (colour-blind volunteers).
export const STATUS_LOOK = {
  todo: { shape: "○", tone: "todo" },
  skipped: { shape: "↻", tone: "todo" },
  canvassed: { shape: "✓", tone: "good" },
  not_home: { shape: "◔", tone: "again" },
  come_back: { shape: "◔", tone: "again" },
  refused: { shape: "✕", tone: "bad" },
  hostile: { shape: "✕", tone: "bad" },
  inaccessible: { shape: "⊘", tone: "gone" },
  moved: { shape: "⇥", tone: "gone" },
  deceased: { shape: "†", tone: "gone" },
  wrong_address: { shape: "⊘", tone: "gone" },
  language_barrier: { shape: "…", tone: "again" },
  do_not_contact: { shape: "⛔", tone: "bad" },
  lit_drop: { shape: "✉", tone: "lit" },
  corrected: { shape: "✎", tone: "again" },
};

export const look = (status) => STATUS_LOOK[status] || { shape: "●", tone: "again" };

// As on the server (backend/services/contact_history.py): a code missing from the turf's
// result codes ranks 1, a conversation 3, and a voter's rank-4 code counts as a conversation
// at the door.
const CONVERSATION = "canvassed";
const CONVERSATION_RANK = 3;

/** Rank of each result code, from the door list's result codes. */
export function ranksOf(resultCodes = []) {
  return Object.fromEntries(resultCodes.map((c) => [c.code, c.rank]));
}

function rankOf(code, ranks) {
  return ranks[code] ?? (code === CONVERSATION ? CONVERSATION_RANK : 1);
}

/** Within one report, the best of several codes: rank, then the code (never their order). */
function best(codes, ranks) {
  let out = null;
  for (const code of codes) {
    if (!code) continue;
    const r = rankOf(code, ranks);
    const o = out && rankOf(out, ranks);
    if (!out || r > o || (r === o && code > out)) out = code;
  }
  return out;
}

/**
 * Status of each door: from this phone's reports when it has any, else what the server sent
 * with the door list. Among this phone's reports the server's rule decides (the strongest
 * outcome, then the latest; superseded and refused ones ignored), so a second visit that
 * found nobody home leaves a door "refused" on the phone as on the server.
 */
export function doorStatuses(doors, history, ranks = {}) {
  const status = new Map();
  for (const door of doors) {
    if (door.do_not_contact) status.set(door.id, "do_not_contact");
    else if (door.status && door.status !== "todo") status.set(door.id, door.status);
  }
  for (const [doorId, { status: s }] of strongest(history, ranks)) status.set(doorId, s);
  return status;
}

/** Per door, this phone's report that decides its status: `{status, rank, report}`. */
function strongest(history, ranks) {
  const out = new Map();
  for (const report of history) {
    if (!counts(report)) continue;
    const status = reportStatus(report, ranks);
    // A correction alone (a new person, a pin) has no outcome: it shows only on its own.
    const rank = status === "corrected" ? 0 : rankOf(status, ranks);
    const current = out.get(report.door_id);
    if (!current || rank >= current.rank) out.set(report.door_id, { status, rank, report });
  }
  return out;
}

/** This phone's report that decides a door's status (`{status, rank, report}`), or null. */
export function deciding(doorId, history, ranks = {}) {
  return strongest(history.filter((r) => r.door_id === doorId), ranks).get(doorId) || null;
}

/** Whether a report made on this phone still counts: not superseded, not refused. */
export function counts(report) {
  return report.state !== "superseded" && report.state !== "rejected";
}

/** The status a report gives its door, by the server's rule for a door's outcome. */
export function reportStatus(report, ranks = {}) {
  const codes = [report.result_code || (report.lit_drop ? "lit_drop" : null)];
  for (const voter of report.voters) {
    const own = best([voter.result_code, voter.responses?.length ? CONVERSATION : null], ranks);
    codes.push(own && rankOf(own, ranks) > CONVERSATION_RANK ? CONVERSATION : own);
  }
  return best(codes, ranks) || (report.correction ? "corrected" : CONVERSATION);
}

/** Group doors into stops in walk order; doors sharing a building key are one stop. */
export function stops(doors) {
  const byKey = new Map();
  const out = [];
  for (const door of doors) {
    const key = door.building_key || `${door.address_line}|${door.zip || ""}`;
    let stop = byKey.get(key);
    if (!stop) {
      stop = { key, doors: [], position: door.position };
      byKey.set(key, stop);
      out.push(stop);
    }
    stop.doors.push(door);
  }
  for (const stop of out) stop.building = stop.doors.length > 1;
  return out;
}

/**
 * The floor a unit is on, from the usual numbering: "4B" -> 4, "301" -> 3, "1203" -> 12.
 * Units that say nothing about a floor go to "" (listed last).
 */
export function floorOf(unit) {
  const s = String(unit || "").toUpperCase().replace(/^(APT|UNIT|STE|SUITE|#)\s*/, "").trim();
  let m = s.match(/^(\d+)\s*-?\s*[A-Z]$/);
  if (m) return String(Number(m[1]));
  m = s.match(/^(\d{3,})$/);
  if (m) return String(Number(m[1].slice(0, -2)));
  m = s.match(/^([A-Z])\s*-?\s*\d+$/);
  if (m) return m[1];
  return "";
}

/** Units of a building by floor, floors in order, units in natural order. */
export function byFloor(doors) {
  const floors = new Map();
  for (const door of doors) {
    const f = floorOf(door.unit);
    if (!floors.has(f)) floors.set(f, []);
    floors.get(f).push(door);
  }
  const collator = new Intl.Collator(undefined, { numeric: true });
  return [...floors.entries()]
    .sort(([a], [b]) => (a === "" ? 1 : b === "" ? -1 : collator.compare(a, b)))
    .map(([floor, list]) => ({ floor, doors: list.sort((a, b) => collator.compare(a.unit, b.unit)) }));
}

/**
 * Order stops for the walk: unfinished stops in walk order (the next one first), then
 * skipped ones, then finished ones.
 */
export function planWalk(doors, history, skipped = new Set(), ranks = {}) {
  const status = doorStatuses(doors, history, ranks);
  const all = stops(doors).map((stop) => {
    const open = stop.doors.filter((d) => !status.has(d.id));
    return {
      ...stop,
      open: open.length,
      done: stop.doors.length - open.length,
      skipped: open.length > 0 && stop.doors.some((d) => skipped.has(d.id)),
    };
  });
  const todo = all.filter((s) => s.open && !s.skipped);
  const later = all.filter((s) => s.open && s.skipped);
  const finished = all.filter((s) => !s.open);
  const doneDoors = doors.filter((d) => status.has(d.id)).length;
  return { todo, later, finished, status, progress: { done: doneDoors, total: doors.length } };
}

/** Metres between two lon/lat points (haversine). */
export function distanceM(a, b) {
  if (a?.lat == null || b?.lat == null) return null;
  const R = 6371008.8;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(h));
}

export function formatDistance(m) {
  if (m == null) return "";
  return m < 1000 ? `${Math.round(m / 10) * 10} m` : `${(m / 1000).toFixed(1)} km`;
}

/** Names at a door, for the list: "Ana Ruiz, Ben Ruiz". */
export function names(door) {
  return door.voters.map((v) => [v.first_name, v.last_name].filter(Boolean).join(" ")).join(", ");
}
