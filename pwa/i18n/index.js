/**
 * Interface strings: one dictionary per language (en.js, fr.js). The phone's language picks
 * the default; the volunteer may override it (kept in localStorage, not IndexedDB, so it is
 * known before the database opens).
 */
import en from "./en.js";
import fr from "./fr.js";

export const LANGUAGES = { en, fr };

function pick() {
  const saved = localStorage.getItem("canvass.lang");
  if (saved && LANGUAGES[saved]) return saved;
  for (const tag of navigator.languages || [navigator.language || "en"]) {
    const base = String(tag).toLowerCase().split("-")[0];
    if (LANGUAGES[base]) return base;
  }
  return "en";
}

export let lang = pick();

export function setLang(code) {
  if (!LANGUAGES[code]) return;
  localStorage.setItem("canvass.lang", code);
  lang = code;
  document.documentElement.lang = code;
}

/** The string for `key`, with `{name}` placeholders filled; English, then the key, if missing. */
export function t(key, params = {}) {
  const entry = LANGUAGES[lang][key] ?? en[key] ?? key;
  const text = typeof entry === "function" ? entry(params) : entry;
  return text.replace(/\{(\w+)\}/g, (_, k) => (params[k] ?? `{${k}}`));
}

// The server's refusals a volunteer meets, by the field and reason it names in `errors`.
const REFUSALS = {
  "list_code:unknown": "refused.list_code_unknown",
  "list_code:expired": "refused.list_code_expired",
  "code:unknown": "refused.invite_unknown",
  "code:expired": "refused.invite_expired",
  "code:used_up": "refused.invite_used_up",
  "email:taken": "refused.email_taken",
  "account:disabled": "refused.account_disabled",
  "code:required": "refused.invite_unknown",
  "email:invalid": "refused.email_invalid",
  "email:required": "refused.email_invalid",
  "password:too_short": "refused.password_too_short",
  "password:too_long": "refused.password_too_long",
  "password:required": "refused.password_too_short",
  "name:required": "refused.name_required",
  "name:too_long": "refused.name_too_long",
  "turf_id:not_assigned": "refused.turf_not_assigned",
  "turf_id:unknown": "refused.turf_unknown",
};

// The server's error codes (`code` in its error body), for refusals with no known field.
const CODES = {
  forbidden: "refused.forbidden",
  not_found: "refused.not_found",
  payload_too_large: "refused.too_large",
  unauthenticated: "refused.login_again",
};

/**
 * A server's refusal (its error body) in the volunteer's language, when its field and reason
 * are known here; null otherwise (the caller shows the server's own message).
 */
export function knownRefusal(body) {
  for (const [field, reasons] of Object.entries(body?.errors || {})) {
    for (const reason of [].concat(reasons)) {
      const key = REFUSALS[`${field}:${reason}`];
      if (key) return t(key);
    }
  }
  return null;
}

/**
 * Any refusal or failure of the server (HTTP `status` and its error body) in the volunteer's
 * language, never the server's English: by field and reason (knownRefusal), else by the
 * error's code, else "a problem on the server" (5xx, a proxy's page, an unexpected answer)
 * or "not accepted".
 */
export function refusalText(status, body) {
  const known = knownRefusal(body);
  if (known) return known;
  const key = CODES[body?.code];
  if (key) return t(key);
  return t(!status || status >= 500 ? "refused.server_error" : "refused.other");
}
