/** Log in, or join with an invite code (name, email, password), then go to "My turfs". */
import { t } from "../../i18n/index.js";
import { api, ApiError, NetworkError } from "../net/api.js";
import * as store from "../data/store.js";
import { $, html, mount } from "../ui/dom.js";
import { go } from "../app.js";
import { installHint } from "./turfs.js";

function errorText(err) {
  if (err instanceof NetworkError) return t("auth.offline");
  if (err instanceof ApiError) {
    const fields = Object.entries(err.body.errors || {})
      .map(([k, v]) => `${k}: ${[].concat(v).join(" ")}`)
      .join("; ");
    return fields ? `${err.message} (${fields})` : err.message;
  }
  return String(err.message || err);
}

async function finish(answer) {
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

export async function renderLogin(root) {
  mount(
    root,
    html`<section class="auth">
      <h1>${t("app.name")}</h1>
      <form data-testid="login-form">
        <label>${t("auth.email")}<input name="email" type="email" autocomplete="username" required /></label>
        <label>${t("auth.password")}<input name="password" type="password" autocomplete="current-password" required /></label>
        <p class="error" role="alert"></p>
        <button type="submit" class="primary big">${t("auth.login")}</button>
      </form>
      <p class="hint">${t("auth.need_invite")}</p>
      ${installHint()}
    </section>`,
  );
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
