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
