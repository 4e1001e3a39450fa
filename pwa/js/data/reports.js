/**
 * Canvass reports on the phone: made with a phone UUID, written to the outbox (and the
 * local history) in one transaction before any network call, and removed from the outbox
 * one by one, only for the uuids the server acknowledged.
 */
import { count, db, get, getAll, getMeta, setMeta, write } from "./db.js";

let seqCounter = 0;
function nextSeq() {
  // Orders reports made on this phone; ties within a millisecond keep tap order.
  seqCounter = (seqCounter + 1) % 1000;
  return Date.now() * 1000 + seqCounter;
}

/** The device id: made once, kept across logins so the server can group a phone's batches. */
export async function deviceId() {
  let id = await getMeta("device_id");
  if (!id) {
    id = crypto.randomUUID();
    await setMeta("device_id", id);
  }
  return id;
}

/**
 * A report in the wire format of docs/sync-protocol.md, plus `seq` (local order, stripped
 * before sending).
 */
export async function makeReport(fields) {
  return buildReport(fields, await deviceId());
}

function buildReport(fields, device) {
  return {
    uuid: crypto.randomUUID(),
    door_id: fields.door_id,
    turf_id: fields.turf_id ?? null,
    recorded_at: new Date().toISOString(),
    result_code: fields.result_code ?? null,
    voters: fields.voters ?? [],
    note: fields.note ?? "",
    lit_drop: Boolean(fields.lit_drop),
    access_note: fields.access_note ?? null,
    location: fields.location ?? null,
    device_id: device,
    app_version: self.CANVASS_VERSION,
    supersedes: fields.supersedes ?? null,
    correction: fields.correction ?? null,
    seq: nextSeq(),
    // Local only: the reports one tap made ("Whole building inaccessible"), undone together.
    undo_group: fields.undo_group ?? null,
  };
}

/**
 * Persist a report: outbox + history (+ the door's carried access note) in one
 * transaction. Resolves only when the transaction has committed.
 */
export async function record(report) {
  await write(["outbox", "history", "doors"], async (tx) => {
    const history = tx.objectStore("history");
    const earlier = report.supersedes ? await history.get(report.supersedes) : null;
    if (earlier?.state === "superseded") {
      // Both corrections would count on the server: the earlier one is no longer there to replace.
      tx.done.catch(() => {});
      tx.abort();
      throw new Error(`report ${report.supersedes} was already corrected`);
    }
    tx.objectStore("outbox").put(report);
    history.put({ ...report, state: "waiting" });
    if (earlier) history.put({ ...earlier, state: "superseded" });
    if (report.access_note !== null && report.turf_id !== null) {
      const doors = tx.objectStore("doors");
      const door = await doors.get([report.turf_id, report.door_id]);
      if (door) {
        door.access_note = report.access_note;
        doors.put(door);
      }
    }
  });
  return report;
}

/** The oldest `limit` reports waiting to be sent. */
export async function outboxBatch(limit) {
  const d = await db();
  const out = [];
  let cursor = await d.transaction("outbox").store.index("seq").openCursor();
  while (cursor && out.length < limit) {
    out.push(cursor.value);
    cursor = await cursor.continue();
  }
  return out;
}

export const outboxAll = () => getAll("outbox", "seq");
export const waitingCount = () => count("outbox");
export const parkedAll = () => getAll("parked");
export const parkedCount = () => count("parked");

/** Server flags the volunteer is told about (docs/sync-protocol.md, rule 6). */
export const TOLD_FLAGS = ["survey_answer_dropped"];

/** Whether the server stored this report without an answer to a question since removed. */
export const answerDropped = (report) => Boolean(report?.flags?.includes("survey_answer_dropped"));

/**
 * Apply the server's per-report answers: accepted and duplicate leave the outbox, rejected
 * move to `parked` with the reason. Uuids the server did not mention stay in the outbox.
 * `told`: the reports whose history first got a flag in TOLD_FLAGS here (once per report,
 * however many tabs or retries hear the answer), for the volunteer to be told.
 */
export async function acknowledge(results, sent) {
  const byUuid = new Map(sent.map((r) => [r.uuid, r]));
  let done = 0;
  let rejected = 0;
  const told = [];
  await write(["outbox", "history", "parked"], async (tx) => {
    const outbox = tx.objectStore("outbox");
    const history = tx.objectStore("history");
    for (const result of results) {
      const report = byUuid.get(result.uuid);
      if (!report) continue;
      const past = await history.get(result.uuid);
      if (result.status === "accepted" || result.status === "duplicate") {
        outbox.delete(result.uuid);
        // A report corrected while its send was in flight stays superseded: its correction
        // (already in the outbox) is what counts now, on the phone as on the server.
        const state = past?.state === "superseded" ? "superseded" : "sent";
        // A duplicate from an older server carries no flags: keep those already heard.
        const flags = [...new Set([...(past?.flags || []), ...(result.flags || [])])];
        if (past) history.put({ ...past, state, flags });
        const fresh = flags.filter((f) => TOLD_FLAGS.includes(f) && !past?.flags?.includes(f));
        if (past && fresh.length) told.push({ ...past, flags });
        done++;
      } else if (result.status === "rejected") {
        tx.objectStore("parked").put({
          ...report,
          parked_at: new Date().toISOString(),
          reason: result.message || "",
          code: result.code || "",
          errors: result.errors || {},
        });
        outbox.delete(result.uuid);
        if (past) history.put({ ...past, state: "rejected" });
        rejected++;
      }
    }
  });
  return { done, rejected, told };
}

/**
 * Mark a batch as being sent, just before the request goes out, and return the reports of
 * the batch still in the outbox (an undo may have taken one out since it was read). From
 * then on the server may hold them even if no answer ever comes back (a lost response), so
 * "Undo last" must correct them rather than delete them.
 */
export async function markSending(batch) {
  const out = [];
  await write(["outbox"], async (tx) => {
    const outbox = tx.objectStore("outbox");
    for (const report of batch) {
      const current = await outbox.get(report.uuid);
      if (!current) continue;
      const marked = { ...current, attempted: true };
      outbox.put(marked);
      out.push(marked);
    }
  });
  return out;
}

/** Drop one parked report after the volunteer exported or read it. */
export async function dismissParked(uuid) {
  await write(["parked"], (tx) => tx.objectStore("parked").delete(uuid));
}

/** The reports made on this phone for a turf, oldest first. */
export async function turfHistory(turfId) {
  const all = await getAll("history", "turf_id", turfId);
  return all.sort((a, b) => a.seq - b.seq);
}

/**
 * Undo the last entry in a turf. Never offered to the server (no send attempted): it is
 * taken out, as if never made. Sent, or a send attempted (the request may have reached the
 * server even when its answer is lost or still on its way, and the server keeps reports
 * forever): the answer is `{sent: report}` and the door is recorded again with `supersedes`
 * (the earlier report then no longer counts); deleting it here would undo it only on the phone.
 */
export async function undoLast(turfId) {
  const past = (await turfHistory(turfId)).filter((r) => r.state !== "superseded");
  const last = past[past.length - 1];
  if (!last) return null;
  if (last.undo_group) return undoGroup(past.filter((r) => r.undo_group === last.undo_group));
  let undone = false;
  // The check and the delete share one transaction with markSending's, so a send cannot
  // start between them.
  await write(["outbox", "history"], async (tx) => {
    const outbox = tx.objectStore("outbox");
    const history = tx.objectStore("history");
    const queued = await outbox.get(last.uuid);
    if (!queued || queued.attempted) return;
    outbox.delete(last.uuid);
    history.delete(last.uuid);
    // An undone correction never reaches the server: what it replaced counts again.
    const earlier = last.supersedes ? await history.get(last.supersedes) : null;
    if (earlier) history.put({ ...earlier, state: (await outbox.get(earlier.uuid)) ? "waiting" : "sent" });
    undone = true;
  });
  return undone ? { undone: last } : { sent: last };
}

/**
 * Undo the reports one tap made (a whole building inaccessible) in one transaction: those
 * never offered to the server are taken out; each one sent, or whose send was attempted, is
 * taken back by a retraction (a report with only `supersedes`: the earlier one no longer
 * counts, and the door is to do again, on the server as here). The retractions share a new
 * group, so the next "Undo last" takes them back together too.
 * Answers `{undone: [reports], retracted: [reports]}`.
 */
async function undoGroup(members) {
  const device = await deviceId();
  const group = crypto.randomUUID();
  const undone = [];
  const retracted = [];
  await write(["outbox", "history"], async (tx) => {
    const outbox = tx.objectStore("outbox");
    const history = tx.objectStore("history");
    for (const report of members) {
      const queued = await outbox.get(report.uuid);
      if (queued && !queued.attempted) {
        outbox.delete(report.uuid);
        history.delete(report.uuid);
        const earlier = report.supersedes ? await history.get(report.supersedes) : null;
        if (earlier) history.put({ ...earlier, state: (await outbox.get(earlier.uuid)) ? "waiting" : "sent" });
        undone.push(report);
        continue;
      }
      const current = await history.get(report.uuid);
      if (!current || current.state === "superseded") continue;
      const retraction = buildReport(
        { door_id: report.door_id, turf_id: report.turf_id, supersedes: report.uuid, undo_group: group },
        device,
      );
      outbox.put(retraction);
      history.put({ ...retraction, state: "waiting" });
      history.put({ ...current, state: "superseded" });
      retracted.push(report);
    }
  });
  return { undone, retracted };
}

/**
 * Everything not yet acknowledged (waiting and rejected), as the file
 * `POST /api/sync/export_file` accepts.
 */
export async function exportUnsent(canvasserId) {
  const [waiting, parked] = await Promise.all([outboxAll(), parkedAll()]);
  return {
    device_id: await deviceId(),
    exported_at: new Date().toISOString(),
    canvasser_id: canvasserId ?? null,
    reports: [...waiting, ...parked].map(wire),
  };
}

/** The wire form of a report (no local bookkeeping fields). */
export function wire(report) {
  const { seq, state, parked_at, reason, code, errors, flags, attempted, undo_group, ...rest } = report;
  return rest;
}
