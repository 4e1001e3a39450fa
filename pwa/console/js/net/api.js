// The console's only door to the network: every HTTP call goes through `request` here.
// Errors come back in the API's one shape {code, status, message, errors}; they are
// rethrown as ApiError so panels can show the server's own, specific message.

const TOKEN_KEY = "canvass.console.token";

/** An error answered by the API (or the network), carrying the server's message. */
export class ApiError extends Error {
  /**
   * @param {number} status HTTP status (0 when the network failed)
   * @param {string} message human-readable message from the server
   * @param {object} [errors] per-field errors, as the API sends them
   */
  constructor(status, message, errors) {
    super(message);
    this.status = status;
    this.errors = errors || {};
  }
}

let token = sessionStorage.getItem(TOKEN_KEY);
let onUnauthorized = () => {};

/**
 * Registers what to do when the token is refused (expired or revoked): show the login.
 * @param {() => void} handler
 */
export function setUnauthorizedHandler(handler) {
  onUnauthorized = handler;
}

/** @returns {boolean} whether a token is stored for this tab */
export function hasToken() {
  return Boolean(token);
}

function fieldErrors(errors) {
  // marshmallow nests errors by location ("json", "query") then field.
  const out = [];
  const walk = (value, path) => {
    if (Array.isArray(value)) {
      if (value.every((v) => typeof v === "string"))
        out.push(`${path}: ${value.join(" ")}`);
      else value.forEach((v, i) => walk(v, `${path}[${i}]`));
    } else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) {
        walk(
          v,
          k === "json" || k === "query" ? path : path ? `${path}.${k}` : k,
        );
      }
    } else if (value) {
      out.push(`${path}: ${value}`);
    }
  };
  walk(errors, "");
  return out;
}

/**
 * Calls the API and returns the decoded JSON body (or null for 204).
 * @param {string} method
 * @param {string} path e.g. "/api/turfs"
 * @param {object} [body] sent as JSON
 * @param {Record<string, string|number|boolean|undefined>} [query]
 * @returns {Promise<any>}
 */
export async function request(method, path, body, query) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== undefined && v !== null && v !== "")
      url.searchParams.set(k, String(v));
  }
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(0, `The server could not be reached (${err.message}).`);
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    if (response.status === 401 && token) {
      clearToken();
      onUnauthorized();
    }
    const message =
      (data && data.message) ||
      `${method} ${path} failed (${response.status}).`;
    // Invalid input (422) often only names its fields, so what is wrong with each is spelled
    // out, unless the message already says it (a split's reason printed twice). Other
    // refusals (409 and the rest) say everything in the message; their `errors` are data for
    // the code (err.errors), not words for the organizer ("overlaps[0].door_count: 8").
    const details =
      data && data.errors && response.status === 422
        ? fieldErrors(data.errors).filter(
            (line) => !message.includes(line.slice(line.indexOf(": ") + 2)),
          )
        : [];
    throw new ApiError(
      response.status,
      details.length ? `${message} ${details.join("; ")}` : message,
      data && data.errors,
    );
  }
  return data;
}

function clearToken() {
  token = null;
  sessionStorage.removeItem(TOKEN_KEY);
}

/**
 * Logs in; organizers and admins only (a canvasser belongs in the phone app).
 * @param {string} email
 * @param {string} password
 * @returns {Promise<{id: number, name: string, role: string, email: string}>} the user
 */
export async function login(email, password) {
  const data = await request("POST", "/api/auth/login", { email, password });
  if (!["organizer", "admin"].includes(data.user.role)) {
    // Do not keep a canvasser's token here: revoke it at once.
    token = data.token;
    await request("POST", "/api/auth/logout").catch(() => {});
    token = null;
    throw new ApiError(
      403,
      "The console is for organizers and admins. Canvassers use the phone app at /.",
    );
  }
  token = data.token;
  sessionStorage.setItem(TOKEN_KEY, token);
  return data.user;
}

/** Revokes the token on the server and forgets it here. */
export async function logout() {
  try {
    await request("POST", "/api/auth/logout");
  } finally {
    clearToken();
  }
}

/** @returns {Promise<object>} the logged-in user */
export const me = () => request("GET", "/api/auth/me");

/** @returns {Promise<{tile_url?: string, tile_attribution?: string}>} public client settings */
export const clientConfig = () => request("GET", "/api/client_config");

// ---- people -------------------------------------------------------------------------

/** @param {string} [role] @returns {Promise<object[]>} users, optionally of one role */
export const listUsers = (role) =>
  request("GET", "/api/users", undefined, { role });

/**
 * Renames a user, changes their role (admins only), or disables / re-enables the account.
 * @param {number} userId
 * @param {{name?: string, role?: string, is_active?: boolean}} changes
 * @returns {Promise<object>} the user as stored
 */
export const updateUser = (userId, changes) =>
  request("PATCH", `/api/users/${userId}`, changes);

/**
 * Issues an invite code and link for volunteers to join as canvassers.
 * @param {{max_uses?: number, hours?: number}} options
 */
export const createInvite = (options) =>
  request("POST", "/api/auth/invites", options);

// ---- geography and universes ----------------------------------------------------------

/** @returns {Promise<object[]>} precincts with their polygons */
export const listPrecincts = () => request("GET", "/api/precincts");

/** @returns {Promise<object[]>} saved universes */
export const listUniverses = () => request("GET", "/api/universes");

/**
 * Counts the voters and doors a filter selects, without saving it.
 * @param {object} filters
 * @returns {Promise<{voter_count: number, door_count: number}>}
 */
export const previewUniverse = (filters) =>
  request("POST", "/api/universes/preview", filters);

/**
 * Saves a universe by name.
 * @param {string} name
 * @param {object} filters
 */
export const createUniverse = (name, filters) =>
  request("POST", "/api/universes", { name, filters });

/**
 * The universe's doors for the map: {id, lon, lat, voter_count, turf_id}.
 * @param {number} universeId
 * @returns {Promise<object[]>}
 */
export const universeDoors = (universeId) =>
  request("GET", `/api/universes/${universeId}/doors`);

/** @returns {Promise<object[]>} elections, newest first, for vote-history filters */
export const listElections = () => request("GET", "/api/elections");

// ---- turfs ------------------------------------------------------------------------------

/** @param {object} [query] e.g. {universe_id} @returns {Promise<object[]>} turfs with outlines */
export const listTurfs = (query) =>
  request("GET", "/api/turfs", undefined, query);

/**
 * Starts an auto-cut of a universe's doors that are in no turf yet; returns the job to poll
 * (small cuts come back already done).
 * @param {number} universeId
 * @param {object} params {mode, target_doors, min_doors, max_doors, shift_minutes, keep_precincts_whole}
 * @returns {Promise<object>} the job
 */
export const startCut = (universeId, params) =>
  request("POST", `/api/universes/${universeId}/cut`, params);

/** @param {number} jobId @returns {Promise<{status: string, progress: number}>} */
export const getJob = (jobId) => request("GET", `/api/jobs/${jobId}`);

/**
 * Makes a turf from the universe's doors inside a drawn polygon (409 when it overlaps
 * other turfs, unless `skip_taken`).
 * @param {{universe_id: number, name: string, polygon: object, skip_taken?: boolean}} data
 * @returns {Promise<{turf: object, skipped: object[]}>}
 */
export const drawTurf = (data) => request("POST", "/api/turfs", data);

/**
 * Gives turfs to canvassers (each turf to every listed canvasser).
 * @param {number[]} turfIds
 * @param {number[]} userIds
 */
export const assignTurfs = (turfIds, userIds) =>
  request("POST", "/api/assignments", { turf_ids: turfIds, user_ids: userIds });

/**
 * Gives a turf to exactly these canvassers; an empty list takes it back from everyone.
 * @param {number} turfId
 * @param {number[]} userIds
 */
export const setAssignees = (turfId, userIds) =>
  request("PUT", `/api/turfs/${turfId}/assignees`, { user_ids: userIds });

/**
 * Issues a new list code for a turf (replacing the old one).
 * @param {number} turfId
 * @returns {Promise<{turf_id: number, list_code: string, expires_at: string, qr_svg: string}>}
 */
export const issueListCode = (turfId) =>
  request("POST", `/api/turfs/${turfId}/list_code`);

// ---- progress, quality and review ------------------------------------------------------------

/**
 * Progress rows grouped one way; days are counted in the time zone ``tz``.
 * @param {"turf"|"precinct"|"canvasser"|"day"} by
 * @param {string} [tz] IANA time zone, like "America/New_York" (the server's default: UTC)
 */
export const progress = (by, tz) =>
  request("GET", "/api/progress", undefined, { by, tz });

/** @returns {Promise<object[]>} per-canvasser quality signals with flags */
export const quality = () => request("GET", "/api/quality");

/** @param {string} [status] @returns {Promise<object[]>} field corrections */
export const listCorrections = (status = "pending") =>
  request("GET", "/api/field_corrections", undefined, { status });

/**
 * Accepts or rejects a field correction.
 * @param {number} id
 * @param {"accept"|"reject"} decision
 * @param {string} [note]
 */
export const reviewCorrection = (id, decision, note = "") =>
  request("POST", `/api/field_corrections/${id}/${decision}`, { note });

// ---- survey set-up ---------------------------------------------------------------------------

/** @returns {Promise<object[]>} survey questions with their responses */
export const listQuestions = () => request("GET", "/api/survey_questions");

/** @param {object} question {name, script_text, responses: [{name}]} */
export const createQuestion = (question) =>
  request("POST", "/api/survey_questions", question);

/** @returns {Promise<object[]>} result codes in use */
export const listResultCodes = () => request("GET", "/api/result_codes");

/** @param {object} code {code, name, rank} */
export const createResultCode = (code) =>
  request("POST", "/api/result_codes", code);

// ---- exports ---------------------------------------------------------------------------------

/**
 * Downloads an export with the bearer token (a plain link cannot carry it) and returns a blob URL.
 * @param {string} path e.g. "/api/exports/contact_history.csv"
 * @returns {Promise<string>}
 */
export async function downloadUrl(path) {
  const response = await fetch(path, {
    headers: { Authorization: `Bearer ${token}` },
  });
  if (!response.ok) {
    const data = await response.json().catch(() => null);
    throw new ApiError(
      response.status,
      (data && data.message) || `Export failed (${response.status}).`,
    );
  }
  return URL.createObjectURL(await response.blob());
}

// ---- turf editing ----------------------------------------------------------------------------

/**
 * Renames a turf.
 * @param {number} turfId
 * @param {string} name
 * @returns {Promise<object>} the turf
 */
export const renameTurf = (turfId, name) =>
  request("PATCH", `/api/turfs/${turfId}`, { name });

/**
 * Deletes a turf: its assignments end and its doors are free to cut again; its reports stay.
 * @param {number} turfId
 */
export const deleteTurf = (turfId) => request("DELETE", `/api/turfs/${turfId}`);

/**
 * Splits a turf into `parts`; the first part keeps the turf's id, assignees and list code.
 * @param {number} turfId
 * @param {number} parts 2..20
 * @returns {Promise<{turfs: object[], deleted_turf_ids: number[]}>}
 */
export const splitTurf = (turfId, parts) =>
  request("POST", `/api/turfs/${turfId}/split`, { parts });

/** @param {number} turfId @returns {Promise<object>} the turf's door list, in walk order */
export const turfDoorList = (turfId) =>
  request("GET", `/api/turfs/${turfId}/door_list`);

/**
 * Takes doors out of a turf; they are free to cut or draw again.
 * @param {number} turfId
 * @param {number[]} doorIds
 */
export const removeTurfDoors = (turfId, doorIds) =>
  request("POST", `/api/turfs/${turfId}/remove_doors`, { door_ids: doorIds });

/**
 * Merges touching turfs into the first one (409 when they do not touch).
 * @param {number[]} turfIds at least two
 * @param {string} [name] a new name for the merged turf
 * @returns {Promise<{turfs: object[], deleted_turf_ids: number[]}>}
 */
export const mergeTurfs = (turfIds, name) =>
  request("POST", "/api/turfs/merge", {
    turf_ids: turfIds,
    name: name || null,
  });

/**
 * Re-cuts what is left undone: doors of these turfs not knocked yet are cut into new turfs.
 * @param {number[]} turfIds
 * @param {object} params cut parameters, e.g. {target_doors, min_doors, max_doors}
 * @returns {Promise<{turfs: object[], deleted_turf_ids: number[]}>}
 */
export const recutTurfs = (turfIds, params) =>
  request("POST", "/api/turfs/recut", { ...params, turf_ids: turfIds });

// ---- universe editing ------------------------------------------------------------------------

/**
 * Changes a saved universe's name and/or filters.
 * @param {number} universeId
 * @param {{name?: string, filters?: object}} changes
 * @returns {Promise<object>} the universe with its counts
 */
export const updateUniverse = (universeId, changes) =>
  request("PATCH", `/api/universes/${universeId}`, changes);

/**
 * Deletes a universe (409 while it still has live turfs).
 * @param {number} universeId
 */
export const deleteUniverse = (universeId) =>
  request("DELETE", `/api/universes/${universeId}`);

// ---- a volunteer's export file ---------------------------------------------------------------

/**
 * Submits a phone's "export my unsent reports" file on a volunteer's behalf; the server
 * checks the reports against the assignments of the file's `canvasser_id`.
 * @param {object} file the parsed JSON file
 * @returns {Promise<{results: {uuid: string, status: string, code?: string, message?: string}[]}>}
 */
export const uploadExportFile = (file) =>
  request("POST", "/api/sync/export_file", file);
