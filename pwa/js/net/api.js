/**
 * The only module that calls fetch. Answers are `{ok, status, body}`; a network failure
 * (offline, connection dropped, response lost) throws `NetworkError`, so callers can tell
 * "the server said no" from "we do not know what the server did".
 */
import { getMeta } from "../data/db.js";

export class NetworkError extends Error {}

/** No answer in time (see TIMEOUT_MS): a network failure whose request may have been too big. */
export class TimeoutError extends NetworkError {}

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

// Resolved from the document, so the app works under any static-host prefix.
const BASE = new URL("./", document.baseURI).href;

// With one bar of signal a request can hang with no answer and no error while the phone
// still says it is online: the sync would say "syncing…" for ever and never try again.
// Past this, the call fails as a network failure (the sync retries; the server takes a
// resent report once). Generous enough for a batch of reports over a slow connection.
export const TIMEOUT_MS = 45_000;

let unauthorized = async () => {};

/**
 * Be told, with the token, when the server refuses the stored session's token (401: expired
 * or revoked). Called before the ApiError is thrown, so callers see the session already
 * marked. A token passed explicitly (not the session's) never triggers it.
 */
export function onUnauthorized(fn) {
  unauthorized = fn;
}

async function call(method, path, { body, token, auth = true } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let sessionToken = null;
  if (auth) {
    if (!token) sessionToken = (await getMeta("session"))?.token || null;
    const sent = token || sessionToken;
    if (sent) headers.Authorization = `Bearer ${sent}`;
  }
  let response;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
  try {
    response = await fetch(new URL(path, BASE), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
      signal: abort.signal,
    });
  } catch (err) {
    if (abort.signal.aborted) throw new TimeoutError(`no answer in ${TIMEOUT_MS / 1000} s`);
    throw new NetworkError(String(err && err.message ? err.message : err));
  } finally {
    clearTimeout(timer);
  }
  if (response.status === 401 && sessionToken) {
    try {
      await unauthorized(sessionToken);
    } catch (err) {
      console.error(err); // the caller still hears the server's 401, not this
    }
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    // A 204 or a proxy's HTML error page: no JSON body.
    if (response.status < 300) data = null;
    else throw new ApiError(response.status, { message: `HTTP ${response.status}` });
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export const api = {
  login: (email, password) =>
    call("POST", "api/auth/login", { body: { email, password }, auth: false }),
  join: (code, email, name, password) =>
    call("POST", "api/auth/join", { body: { code, email, name, password }, auth: false }),
  /** Revoke the session's token, or `token` (a login the app refused to keep). */
  logout: (token) => call("POST", "api/auth/logout", { token }),
  clientConfig: () => call("GET", "api/client_config", { auth: false }),
  myTurfs: () => call("GET", "api/my/turfs"),
  doorList: (turfId) => call("GET", `api/turfs/${turfId}/door_list`),
  claim: (listCode) => call("POST", "api/turfs/claim", { body: { list_code: listCode } }),
  pushReports: (deviceId, reports) =>
    call("POST", "api/sync/reports", { body: { device_id: deviceId, reports } }),
  changes: (cursor) =>
    call("GET", `api/sync/changes?cursor=${encodeURIComponent(cursor ?? 0)}`),
};
