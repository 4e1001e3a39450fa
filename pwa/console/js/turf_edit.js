// Editing turfs: split, merge, rename, delete and re-cut what is left undone. The Turfs
// panel and the map's selection bar both call these, so the checks and messages are the
// same wherever the organizer starts; each action reloads the turfs (map, list and doors
// follow the "turfs" event) and selects what it made.

import * as api from "./net/api.js";
import { clearSelection, selectMany, state } from "./state.js";
import { fmt, setStatus } from "./ui.js";

const plural = (n, word) => `${fmt(n)} ${word}${n === 1 ? "" : "s"}`;

function selectedTurfs() {
  const byId = new Map(state.turfs.map((t) => [t.id, t]));
  return [...state.selected].map((id) => byId.get(id)).filter(Boolean);
}

function onlyOne(verb) {
  const turfs = selectedTurfs();
  if (turfs.length !== 1)
    throw new Error(
      `Select exactly one turf to ${verb} (${fmt(turfs.length)} selected).`,
    );
  return turfs[0];
}

function atLeast(n, verb) {
  const turfs = selectedTurfs();
  if (turfs.length < n)
    throw new Error(
      `Select at least ${n === 1 ? "one turf" : `${n} turfs`} to ${verb} (${fmt(turfs.length)} selected).`,
    );
  return turfs;
}

function names(turfs, max = 4) {
  const shown = turfs.slice(0, max).map((t) => `“${t.name}”`);
  if (turfs.length > max) shown.push(`${fmt(turfs.length - max)} more`);
  return shown.join(", ");
}

/** The canvassers holding any of these turfs, by name. */
function holders(turfs) {
  const people = turfs.flatMap((t) =>
    (t.assignees || []).map((u) => u.name || u.email),
  );
  const unique = [...new Set(people)];
  return unique.length > 4
    ? `${unique.slice(0, 4).join(", ")} and ${fmt(unique.length - 4)} more`
    : unique.join(", ");
}

const knocked = (t) => (t.progress && t.progress.doors_attempted) || 0;

/**
 * These turfs as the server has them now (who holds them, what was knocked): the list on
 * screen may predate a sync or another organizer's assignment, and a question asked
 * before an edit must not say a turf is untouched when it is not.
 */
async function current(turfs) {
  const fresh = new Map(
    (await api.listTurfs({ outline: false })).map((t) => [t.id, t]),
  );
  return turfs.map((t) => fresh.get(t.id) || t);
}

/**
 * Cut parameters for a target door count: a third either side, as the Cut panel does.
 * @param {number} target
 * @returns {object}
 */
export function cutParamsFor(target) {
  return {
    mode: "doors",
    target_doors: target,
    min_doors: Math.max(1, Math.round(target * 0.67)),
    max_doors: Math.max(target, Math.round(target * 1.33)),
  };
}

/**
 * The editing actions, bound to the console's turf reload.
 * @param {{reloadTurfs: () => Promise<void>}} deps
 */
export function turfEditing({ reloadTurfs }) {
  const settle = async (ids) => {
    await reloadTurfs();
    clearSelection();
    if (ids.length) selectMany(ids);
  };

  return {
    /** @param {number} parts how many turfs the selected one becomes */
    async split(parts) {
      const turf = onlyOne("split");
      if (!Number.isInteger(parts) || parts < 2 || parts > 20)
        throw new Error("Split into 2 to 20 parts.");
      // A split takes doors off a canvasser's phone: say so before, not after.
      const [now] = await current([turf]);
      if (
        (now.assignees || []).length &&
        !window.confirm(
          `Split “${turf.name}” into ${parts} parts?\n\n` +
            `${holders([now])} keep${now.assignees.length === 1 ? "s" : ""} only the first part; ` +
            "the other parts are assigned to nobody, and their doors leave the phone at its next sync.",
        )
      ) {
        setStatus("Nothing split.");
        return;
      }
      const result = await api.splitTurf(turf.id, parts);
      await settle(result.turfs.map((t) => t.id));
      setStatus(
        `Split “${turf.name}” into ${result.turfs
          .map((t) => `“${t.name}” (${fmt(t.door_count)} doors)`)
          .join(", ")}; the first keeps its canvassers and list code.`,
      );
    },

    /**
     * Takes the given doors out of the selected turf.
     * @param {number[]} doorIds
     */
    async removeDoors(doorIds) {
      const turf = onlyOne("take doors out of");
      if (!doorIds.length) throw new Error("Tick the doors to take out of the turf.");
      const result = await api.removeTurfDoors(turf.id, doorIds);
      await settle([turf.id]);
      setStatus(
        `Took ${plural(doorIds.length, "door")} out of “${turf.name}” (${fmt(result.turfs[0].door_count)} doors left); they are free to cut or draw again.`,
      );
    },

    /** @param {string} [name] a name for the merged turf (default: the first turf's) */
    async merge(name) {
      const turfs = atLeast(2, "merge");
      const result = await api.mergeTurfs(
        turfs.map((t) => t.id),
        (name || "").trim(),
      );
      const merged = result.turfs[0];
      await settle([merged.id]);
      setStatus(
        `Merged ${plural(turfs.length, "turf")} into “${merged.name}” (${fmt(merged.door_count)} doors); canvassers of the others moved to it.`,
      );
    },

    /** @param {string} name the selected turf's new name */
    async rename(name) {
      const turf = onlyOne("rename");
      const clean = (name || "").trim();
      if (!clean) throw new Error("Type the turf's new name.");
      if (clean === turf.name) {
        setStatus(`“${turf.name}” already has that name.`);
        return;
      }
      await api.renameTurf(turf.id, clean);
      await settle([turf.id]);
      setStatus(`Renamed “${turf.name}” to “${clean}”.`);
    },

    /**
     * Deletes the selected turfs after the organizer confirms.
     * @returns {Promise<boolean>} whether anything was deleted
     */
    async remove() {
      const turfs = atLeast(1, "delete");
      const assigned = turfs.filter((t) => (t.assignees || []).length).length;
      const ok = window.confirm(
        `Delete ${plural(turfs.length, "turf")}: ${names(turfs)}?\n\n` +
          "Reports already made in them stay: contact history, progress and exports keep every knock. " +
          "Their doors become free to cut again" +
          (assigned
            ? `, and ${plural(assigned, "turf")} will be taken back from ${assigned === 1 ? "its canvassers" : "their canvassers"}.`
            : "."),
      );
      if (!ok) {
        setStatus("Nothing deleted.");
        return false;
      }
      for (const turf of turfs) await api.deleteTurf(turf.id);
      await settle([]);
      setStatus(
        `Deleted ${plural(turfs.length, "turf")}; their reports stay in the contact history.`,
      );
      return true;
    },

    /** @param {number} target doors per new turf */
    async recut(target) {
      const turfs = atLeast(1, "re-cut");
      if (!Number.isInteger(target) || target < 1)
        throw new Error("Give the number of doors per new turf (1 or more).");
      // Re-cutting a canvasser's turf takes its undone doors off their phone, and a turf
      // with no knocks yet is deleted outright: ask first, as deleting does.
      const held = (await current(turfs)).filter(
        (t) => (t.assignees || []).length,
      );
      const gone = held.filter((t) => !knocked(t));
      if (
        held.length &&
        !window.confirm(
          `Re-cut ${plural(turfs.length, "turf")}: ${names(turfs)}?\n\n` +
            `The doors nobody has knocked yet leave ${held.length === 1 ? "the turf" : "the turfs"} ` +
            `held by ${holders(held)} for new turfs assigned to nobody; phones drop them at their next sync.` +
            (gone.length
              ? ` ${names(gone)} ${gone.length === 1 ? "has" : "have"} no knocks yet, so ${gone.length === 1 ? "it is" : "they are"} deleted and taken back.`
              : ""),
        )
      ) {
        setStatus("Nothing re-cut.");
        return;
      }
      const before = new Set(state.turfs.map((t) => t.id));
      const result = await api.recutTurfs(
        turfs.map((t) => t.id),
        cutParamsFor(target),
      );
      const made = result.turfs.filter((t) => !before.has(t.id));
      const kept = result.turfs.filter((t) => before.has(t.id));
      const undone = made.reduce((n, t) => n + t.door_count, 0);
      await settle(made.map((t) => t.id));
      setStatus(
        `Re-cut ${fmt(undone)} doors not knocked yet into ${plural(made.length, "new turf")}` +
          (kept.length
            ? `; ${plural(kept.length, "turf")} kept only their knocked doors`
            : "") +
          (result.deleted_turf_ids.length
            ? `; ${plural(result.deleted_turf_ids.length, "turf")} with no knocks deleted`
            : "") +
          ".",
      );
    },
  };
}
