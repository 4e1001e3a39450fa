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
 * The status the server holds for a door (from the door list, then `door_status` changes):
 * `{status, at}`, or null when nobody has knocked it. A door stored before the door list
 * carried `attempts` and `last_attempt_at` has only a status, older than any local report.
 */
function serverKnock(door) {
  if (!door.status || door.status === "not_contacted" || door.status === "todo" || door.attempts === 0) return null;
  return { status: door.status, at: door.last_attempt_at ? Date.parse(door.last_attempt_at) : -Infinity };
}

/**
 * Each door's status on this phone: what the server knows (knocks by anyone, on any phone),
 * unless this phone's latest report of the door (retracted ones ignored) is newer than the
 * server's last attempt, or still waiting to be sent and no older: the server cannot know
 * it yet. A sent report the server already counted gives way to the server's status, which
 * ranks results rather than taking the latest (docs/sync-protocol.md, contact history).
 * This phone's deciding report follows the server's rule too (the strongest outcome, then
 * the latest; superseded and refused ones ignored), and one the server has not seen still
 * gives way to a stronger result the server holds, unless it corrects an earlier report.
 */
export function doorStatuses(doors, history, ranks = {}) {
  const status = new Map();
  const known = new Map();
  for (const door of doors) {
    const server = serverKnock(door);
    if (server) known.set(door.id, server);
    if (door.do_not_contact) status.set(door.id, "do_not_contact");
    else if (server) status.set(door.id, server.status);
  }
  for (const [doorId, mine] of strongest(history, ranks)) {
    const server = known.get(doorId);
    const at = Date.parse(mine.report.recorded_at);
    // A correction alone (a pin, a new unit or person) is no knock: the server counts the
    // door as not contacted, so it stays to do here too. A retraction (an undo of a sent
    // report) takes the door back to do until the server says otherwise.
    if (mine.rank === 0) {
      const retraction = mine.report.supersedes && !mine.report.correction;
      if (retraction && server && (at > server.at || mine.report.state === "waiting")) status.delete(doorId);
      continue;
    }
    if (!server) {
      status.set(doorId, mine.status);
      continue;
    }
    const unseen = at > server.at || (mine.report.state === "waiting" && at >= server.at);
    if (unseen && (mine.report.supersedes || mine.rank >= rankOf(server.status, ranks)))
      status.set(doorId, mine.status);
  }
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
  // A report with only `supersedes` (a retraction) takes back the one it names: no outcome.
  return best(codes, ranks) || (report.correction || report.supersedes ? "corrected" : CONVERSATION);
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
