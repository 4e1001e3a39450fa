/**
 * The sync bar, always visible: how many reports wait, whether any were rejected, and the
 * sync phase, told in words and a shape (not colour alone). Tapping it opens the shift check.
 */
import { t } from "../../i18n/index.js";
import { html, mount } from "./dom.js";

export function renderStatus(el, state, { updateReady = false } = {}) {
  const { waiting, parked, phase } = state;
  let shape = "✓";
  let text = t("sync.all_sent");
  let tone = "good";
  if (waiting) {
    shape = "⇅";
    tone = "again";
    text = t("sync.waiting", { n: waiting });
  }
  const phaseText = {
    syncing: t("sync.syncing"),
    // "will retry" only when something waits to be retried.
    offline: t(waiting ? "sync.offline" : "sync.offline_idle"),
    error: t("sync.error"),
    login: t("sync.login"),
  }[phase];
  mount(
    el,
    html`<a href="#/shift" class="syncbar tone-${tone}" data-testid="syncbar">
      <span class="shape" aria-hidden="true">${shape}</span>
      <span data-testid="waiting" data-count="${waiting}">${text}</span>
      ${phaseText ? html`<span class="phase" data-phase="${phase}">· ${phaseText}</span>` : ""}
      ${parked
        ? html`<span class="parked tone-bad" data-testid="parked-count" data-count="${parked}">⚠ ${t("sync.parked", { n: parked })}</span>`
        : ""}
      ${updateReady ? html`<span class="update" data-testid="update-ready">★ ${t("update.ready")}</span>` : ""}
    </a>`,
  );
}
