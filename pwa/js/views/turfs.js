/** "My turfs": what the server assigns (when online) and what is already on the phone. */
import { knownRefusal, refusalText, t } from "../../i18n/index.js";
import { api, ApiError, NetworkError } from "../net/api.js";
import * as store from "../data/store.js";
import { getMeta, setMeta } from "../data/db.js";
import { $, $$, html, mount, toast } from "../ui/dom.js";
import { go } from "../app.js";

/** On iOS in the browser: installing to the home screen also protects the stored data. */
export function installHint() {
  const ios = /iPhone|iPad|iPod/.test(navigator.userAgent) ||
    (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  const installed = matchMedia("(display-mode: standalone)").matches || navigator.standalone;
  if (!ios || installed) return "";
  return html`<aside class="install-hint" data-testid="ios-install-hint">
    <strong>${t("install.title")}</strong> ${t("install.ios")}
  </aside>`;
}

const asList = (answer) => (Array.isArray(answer) ? answer : answer?.turfs || answer?.items || []);

function noticeText(notice) {
  return t(`notice.${notice.kind}`, { n: notice.count ?? "", address: notice.address ?? "" });
}

export async function renderTurfs(root) {
  const local = await store.listTurfs();
  const wiped = (await getMeta("wiped_turfs")) || [];
  const listCode = await store.getListCodeToClaim();
  mount(
    root,
    html`<section class="turfs">
      <h1>${t("turfs.title")}</h1>
      ${wiped.map(
        (w) => html`<p class="notice tone-bad" role="status" data-testid="wiped-notice">⚠ ${t(`notice.wiped.${w.kind}`, { name: w.name })}</p>`,
      )}
      ${wiped.length ? html`<button class="small" data-action="dismiss-wiped">${t("common.ok")}</button>` : ""}
      <h2>${t("turfs.on_phone")}</h2>
      <ul class="cards" data-testid="local-turfs">
        ${local.length
          ? local.map((turf) => html`<li class="card ${turf.status === "revoked" ? "revoked" : ""}" data-turf="${turf.id}">
              <div class="grow">
                <strong>${turf.name}</strong>
                <span class="muted">${t("turfs.doors", { n: turf.door_count })}</span>
                ${(turf.notices || []).map((n) => html`<p class="notice tone-bad" data-testid="turf-notice" data-kind="${n.kind}">⚠ ${noticeText(n)}</p>`)}
              </div>
              ${turf.status === "revoked"
                ? html`<span class="muted">${t("turfs.revoked_waiting")}</span>`
                : html`<a class="button primary big" href="#/walk/${turf.id}" data-testid="open-turf">${t("turfs.walk")}</a>`}
            </li>`)
          : html`<li class="muted">${t("turfs.none_on_phone")}</li>`}
      </ul>
      <h2>${t("turfs.assigned")}</h2>
      <ul class="cards" data-testid="server-turfs"><li class="muted">${t("common.loading")}</li></ul>
      <p class="notice" role="status" data-testid="list-code-waiting" ${listCode ? "" : "hidden"}></p>
      <form class="claim" data-testid="claim-form">
        <label>${t("turfs.list_code")}<input name="list_code" autocapitalize="characters" required /></label>
        <button type="submit" class="big">${t("turfs.claim")}</button>
      </form>
    </section>`,
  );
  $("[data-action=dismiss-wiped]", root)?.addEventListener("click", async () => {
    await setMeta("wiped_turfs", []);
    renderTurfs(root);
  });
  $("[data-testid=claim-form]", root).addEventListener("submit", async (event) => {
    event.preventDefault();
    claim(root, new FormData(event.target).get("list_code").trim(), { open: false });
  });
  loadAssigned(root, local);
  if (listCode) claim(root, listCode, { open: true });
}

let claiming = null;

/**
 * Claim a turf by its list code and download it, then open it (`open`, the scanned link) or
 * show it in the list (the code box). With no network the code is kept and claimed when the
 * network returns; a code the server refuses is forgotten, with its reason.
 */
function claim(root, code, { open }) {
  claiming ??= claimNow(root, code, { open }).finally(() => (claiming = null));
  return claiming;
}

async function claimNow(root, code, { open }) {
  const notice = $("[data-testid=list-code-waiting]", root);
  const say = (text) => {
    notice.textContent = text;
    notice.hidden = !text;
  };
  await store.keepListCodeToClaim(code);
  say(t("turfs.claiming", { code }));
  try {
    const answer = await api.claim(code);
    const turfId = (answer.turf || answer).id ?? answer.turf_id;
    await download(turfId);
    await store.forgetListCodeToClaim();
    toast(t("turfs.claimed"));
    if (open) go(`#/walk/${turfId}`);
    else renderTurfs(root);
  } catch (err) {
    if (err instanceof NetworkError) {
      say(t("turfs.claim_offline", { code }));
    } else if (err instanceof ApiError && err.status === 401) {
      // The app now asks for a login; the code waits for it.
    } else {
      await store.forgetListCodeToClaim();
      say("");
      // A code of the wrong length is refused as a malformed field: to the volunteer it is
      // just not a valid code.
      const malformed = err instanceof ApiError && err.status === 422 && err.body.errors?.list_code;
      toast((err instanceof ApiError && knownRefusal(err.body)) || (malformed ? t("refused.list_code_unknown") : refusalText(err.status, err.body)));
    }
  }
}

async function download(turfId) {
  const list = await api.doorList(turfId);
  if (!list.turf) list.turf = { id: turfId };
  await store.saveDoorList(list);
  await setMeta("turfs_changed", false);
}

async function loadAssigned(root, local) {
  const el = $("[data-testid=server-turfs]", root);
  let turfs;
  try {
    turfs = asList(await api.myTurfs());
  } catch (err) {
    mount(el, html`<li class="muted" data-testid="turfs-error">${err instanceof NetworkError ? t("turfs.offline") : refusalText(err.status, err.body)}</li>`);
    return;
  }
  await setMeta("turfs_changed", false); // the volunteer sees every turf given to them here
  const have = new Set(local.map((x) => x.id));
  mount(
    el,
    turfs.length
      ? html`${turfs.map((turf) => html`<li class="card" data-turf="${turf.id}">
          <div class="grow"><strong>${turf.name}</strong>
            <span class="muted">${t("turfs.doors", { n: turf.door_count ?? "?" })}</span></div>
          <button class="big ${have.has(turf.id) ? "" : "primary"}" data-download="${turf.id}" data-testid="download-turf">
            ${have.has(turf.id) ? t("turfs.refresh") : t("turfs.download")}</button>
        </li>`)}`
      : html`<li class="muted">${t("turfs.none_assigned")}</li>`,
  );
  for (const button of $$("[data-download]", el)) {
    button.addEventListener("click", async () => {
      button.disabled = true;
      button.textContent = t("common.loading");
      try {
        await download(Number(button.dataset.download));
        toast(t("turfs.downloaded"));
        renderTurfs(root);
      } catch (err) {
        button.disabled = false;
        button.textContent = t("turfs.download");
        toast(err instanceof NetworkError ? t("turfs.download_offline") : refusalText(err.status, err.body));
      }
    });
  }
}

