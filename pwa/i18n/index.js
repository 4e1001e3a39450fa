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
