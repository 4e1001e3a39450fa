/** Log in, or join with an invite code (name, email, password), then go to "My turfs". */
import { knownRefusal, refusalText, t } from "../../i18n/index.js";
import { api, ApiError, NetworkError } from "../net/api.js";
import * as store from "../data/store.js";
import * as reports from "../data/reports.js";
import { $, download, html, mount, toast } from "../ui/dom.js";
import { go } from "../app.js";
import { installHint } from "./turfs.js";

function errorText(err) {
  if (err instanceof NetworkError) return t("auth.offline");
  if (err instanceof ApiError) {
    // The server gives one answer for a wrong email and a wrong password (it does not say
    // who has an account); a token is never sent from here, so a 401 with no known field
    // is that answer.
    if (err.status === 401 && !knownRefusal(err.body)) return t("auth.wrong_login");
    return refusalText(err.status, err.body);
  }
  return String(err.message || err);
}

/** Reports on this phone not yet accepted by the server (waiting or refused). */
async function unsentCount() {
  return (await reports.waitingCount()) + (await reports.parkedCount());
}

/**
 * After the server refused a session, the phone still holds that user's turfs and unsent
 * reports. The same user carries on with them. Anyone else would send them under their own
 * name, so they are turned away until those reports are sent (or exported); with nothing
 * unsent, the previous user's data leaves the phone as at logout.
 */
async function handOver(answer) {
  const previous = await store.expiredSession();
  if (!previous || previous.user?.id === answer.user.id) return;
  const unsent = await unsentCount();
  if (unsent) {
    api.logout(answer.token).catch(() => {}); // the refused login's token is of no use
    throw new Error(t("auth.other_user_unsent", { n: unsent, name: previous.user?.name || previous.user?.email }));
  }
  const listCode = await store.getListCodeToClaim();
  await store.wipeAll();
  if (listCode) await store.keepListCodeToClaim(listCode);
}

async function finish(answer) {
  await handOver(answer);
  await store.setSession({ token: answer.token, user: answer.user, at: new Date().toISOString() });
  history.replaceState(null, "", location.pathname.replace(/join$/, "") + "#/turfs");
  const sync = await import("../net/sync.js");
  sync.sync();
  go("#/turfs");
}

function bind(root, submit) {
  const form = $("form", root);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = $("button[type=submit]", form);
    button.disabled = true;
    $(".error", root).textContent = "";
    try {
      await finish(await submit(new FormData(form)));
    } catch (err) {
      $(".error", root).textContent = errorText(err);
      button.disabled = false;
    }
  });
}

/** Why the login screen shows up again, and what waits for the login. */
async function loginNotices() {
  const [expired, listCode, unsent] = await Promise.all([
    store.expiredSession(), store.getListCodeToClaim(), unsentCount()]);
  return { expired, listCode, unsent };
}

export async function renderLogin(root) {
  const { expired, listCode, unsent } = await loginNotices();
  const email = expired?.user?.email || "";
  mount(
    root,
    html`<section class="auth">
      <h1>${t("app.name")}</h1>
      ${expired
        ? html`<p class="notice tone-again" role="status" data-testid="session-expired">${t("auth.session_expired", { n: unsent, name: expired.user?.name || email })}</p>`
        : ""}
      ${listCode
        ? html`<p class="notice" role="status" data-testid="list-code-waiting">${t("auth.list_code_waiting", { code: listCode })}</p>`
        : ""}
      <form data-testid="login-form">
        <label>${t("auth.email")}<input name="email" type="email" autocomplete="username" value="${email}" required /></label>
        <label>${t("auth.password")}<input name="password" type="password" autocomplete="current-password" required /></label>
        <p class="error" role="alert"></p>
        <button type="submit" class="primary big">${t("auth.login")}</button>
      </form>
      ${expired && unsent
        ? html`<button class="big" data-action="export" data-testid="export">⤓ ${t("auth.export")}</button>`
        : html`<p class="hint">${t("auth.need_invite")}</p>`}
      ${installHint()}
    </section>`,
  );
  $("[data-action=export]", root)?.addEventListener("click", async () => {
    // The way out when the reports' owner cannot log in here: their organizer uploads the file.
    const data = await reports.exportUnsent(expired.user?.id);
    download(`canvass-unsent-${new Date().toISOString().slice(0, 19).replace(/:/g, "")}.json`, data);
    toast(t("shift.exported", { n: data.reports.length }));
  });
  bind(root, (data) => api.login(data.get("email"), data.get("password")));
}

export async function renderJoin(root, [code]) {
  mount(
    root,
    html`<section class="auth">
      <h1>${t("auth.join_title")}</h1>
      <p>${t("auth.join_intro")}</p>
      <form data-testid="join-form">
        <label>${t("auth.code")}<input name="code" value="${code}" required autocapitalize="characters" /></label>
        <label>${t("auth.name")}<input name="name" autocomplete="name" required /></label>
        <label>${t("auth.email")}<input name="email" type="email" autocomplete="email" required /></label>
        <label>${t("auth.new_password")}<input name="password" type="password" minlength="8" autocomplete="new-password" required /></label>
        <p class="error" role="alert"></p>
        <button type="submit" class="primary big">${t("auth.join")}</button>
      </form>
      <p><a class="button" href="./#/login" data-testid="to-login">${t("auth.have_account")}</a></p>
      ${installHint()}
    </section>`,
  );
  $("[data-testid=to-login]", root).addEventListener("click", (e) => {
    e.preventDefault();
    history.replaceState(null, "", location.pathname.replace(/join$/, "") + "#/login");
    go("#/login");
  });
  bind(root, (data) => api.join(data.get("code"), data.get("email"), data.get("name"), data.get("password")));
}
