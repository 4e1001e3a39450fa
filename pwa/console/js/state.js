// What the panels and the map share: the current universe, the turfs on the map and which
// of them are selected. Panels change it through these functions and listen for "change".

/** @type {EventTarget} fires "turfs", "figures", "selection", "universe" and "canvassers" events */
export const events = new EventTarget();

export const state = {
  /** @type {object|null} the logged-in user */
  user: null,
  /** @type {object[]} saved universes */
  universes: [],
  /** @type {number|null} the universe the cut and draw panels work on */
  universeId: null,
  /** @type {object[]} turfs shown on the map */
  turfs: [],
  /** @type {Set<number>} ids of selected turfs */
  selected: new Set(),
  /** @type {object[]} canvassers to assign turfs to */
  canvassers: [],
};

function emit(name) {
  events.dispatchEvent(new Event(name));
}

/** @param {object[]} turfs replaces the turfs on the map */
export function setTurfs(turfs) {
  state.turfs = turfs;
  const ids = new Set(turfs.map((t) => t.id));
  for (const id of [...state.selected])
    if (!ids.has(id)) state.selected.delete(id);
  emit("turfs");
  emit("selection");
}

/**
 * Merges fresh figures (status, progress, assignees) into the turfs already on the map,
 * keeping their outlines, so a refresh need not download 2,000 outlines again.
 * @param {object[]} fresh turfs without outlines
 * @returns {boolean} false when the set of turfs changed, or a turf changed (its outline
 *   may have moved to make room for a neighbour), and a full reload is needed
 */
export function mergeTurfFigures(fresh) {
  if (fresh.length !== state.turfs.length) return false;
  const byId = new Map(fresh.map((t) => [t.id, t]));
  const same = (t) => byId.has(t.id) && byId.get(t.id).updated_at === t.updated_at;
  if (!state.turfs.every(same)) return false;
  state.turfs = state.turfs.map((t) => ({
    ...byId.get(t.id),
    outline: t.outline,
  }));
  emit("figures");
  return true;
}

/** @param {number} id @param {boolean} [on] toggles when omitted */
export function toggleSelected(id, on) {
  const want = on === undefined ? !state.selected.has(id) : on;
  if (want) state.selected.add(id);
  else state.selected.delete(id);
  emit("selection");
}

/** @param {number[]} ids adds these turfs to the selection at once */
export function selectMany(ids) {
  for (const id of ids) state.selected.add(id);
  emit("selection");
}

/** Clears the selection. */
export function clearSelection() {
  state.selected.clear();
  emit("selection");
}

/** @param {object[]} universes @param {number|null} [currentId] */
export function setUniverses(universes, currentId) {
  state.universes = universes;
  if (currentId !== undefined) state.universeId = currentId;
  if (state.universeId === null && universes.length)
    state.universeId = universes[universes.length - 1].id;
  emit("universe");
}

/** @param {object[]} users the canvassers turfs can be assigned to */
export function setCanvassers(users) {
  state.canvassers = users;
  emit("canvassers");
}

/** @param {number|null} id the universe to work on */
export function setUniverseId(id) {
  state.universeId = id;
  emit("universe");
}
