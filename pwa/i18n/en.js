// English interface strings. Keys are grouped by screen; `{name}` is filled in by t().
const plural = (n, one, many) => (Number(n) === 1 ? one : many);

export default {
  "lang.name": "English",
  "app.name": "Canvass",
  "common.back": "Back", "common.loading": "Loading…", "common.ok": "OK", "common.save": "Save",
  "common.yes": "Yes", "common.no": "No",

  "auth.email": "Email", "auth.password": "Password", "auth.login": "Log in",
  "auth.need_invite": "New volunteer? Open the invite link your organizer sent you.",
  "auth.join_title": "Join the canvass", "auth.join_intro": "Choose your name and a password. You will use them to log in on this phone.",
  "auth.code": "Invite code", "auth.name": "Your name", "auth.new_password": "Password (8 characters or more)",
  "auth.join": "Join", "auth.have_account": "I already have an account",
  "auth.offline": "No network. Connect once to log in; after that the app works offline.",
  "auth.session_expired": ({ n, name }) => n
    ? `Your login has ended, ${name}. Log in again to send your ${n} ${plural(n, "report", "reports")}: ${plural(n, "it is", "they are")} kept on this phone.`
    : `Your login has ended, ${name}. Log in again.`,
  "auth.other_user_unsent": ({ n, name }) =>
    `This phone holds ${n} ${plural(n, "report", "reports")} by ${name} not sent yet. ${name} must log in here to send ${plural(n, "it", "them")} first, or export ${plural(n, "it", "them")} for your organizer.`,
  "auth.export": "Export the unsent reports",
  "auth.list_code_waiting": "List {code} is added to this phone once you log in.",

  "install.title": "Install the app:", "install.ios": "tap Share, then “Add to Home Screen”. It then opens without a network and your reports are kept safe.",

  "sync.all_sent": "All reports sent",
  "sync.waiting": ({ n }) => `${n} ${plural(n, "report", "reports")} waiting to sync`,
  "sync.parked": ({ n }) => `${n} need${plural(n, "s", "")} attention`,
  "sync.syncing": "syncing…", "sync.offline": "offline, will retry", "sync.error": "server problem, will retry",
  "sync.login": "log in again to send",

  "turfs.title": "My turfs", "turfs.on_phone": "On this phone", "turfs.assigned": "Assigned to you",
  "turfs.doors": ({ n }) => `${n} ${plural(n, "door", "doors")}`,
  "turfs.walk": "Walk", "turfs.download": "Download", "turfs.refresh": "Download again",
  "turfs.downloaded": "Turf saved on this phone.", "turfs.none_on_phone": "No turf on this phone yet.",
  "turfs.none_assigned": "No turf assigned to you yet.", "turfs.offline": "Offline: showing what is on this phone.",
  "turfs.list_code": "List code from your organizer", "turfs.claim": "Get this list", "turfs.claimed": "List added.",
  "turfs.claiming": "Getting list {code}…",
  "turfs.claim_offline": "No network: list code {code} is kept on this phone and claimed as soon as you are back online.",
  "turfs.download_offline": "No network: connect to download this turf.",
  "turfs.revoked_waiting": "Taken back: sending your reports, then it leaves this phone.",

  "notice.turf_unassigned": "This turf was given to someone else. Your reports are still sent and kept.",
  "notice.turf_deleted": "This turf was deleted by an organizer. Your reports are still sent and kept.",
  "notice.doors_removed": ({ n }) => `An organizer removed ${n} ${plural(n, "door", "doors")} from this turf.`,
  "notice.doors_added": "An organizer added doors to this turf.",
  "notice.turf_updated": "This turf was updated (doors, voters, order or outline): the list shows the new one.",
  "notice.do_not_contact": "Someone on this turf asked not to be contacted: marked ⛔.",
  "notice.wiped.turf_unassigned": "“{name}” was reassigned. All your reports from it were sent; it was removed from this phone.",
  "notice.wiped.turf_deleted": "“{name}” was deleted. All your reports from it were sent; it was removed from this phone.",

  "walk.progress": "{done} of {total} doors done", "walk.map": "Map", "walk.locate": "Where am I?",
  "walk.lit_mode": "Lit drop mode", "walk.undo": "Undo last", "walk.end_shift": "End of shift",
  "walk.next": "Next door", "walk.all_done": "Every door is done. Check your reports are sent.",
  "walk.later": "Come back later", "walk.finished": ({ n }) => `Done (${n})`, "walk.list": "List",
  "walk.units": ({ n, done }) => `Building: ${n} units, ${done} done`, "walk.no_names": "No names on the list",
  "walk.lit_left": "Literature left", "walk.nothing_to_undo": "Nothing to undo.",
  "walk.undone": "Undone: {address}", "walk.undo_sent": "Already sent: record this door again to correct it.",
  "walk.no_gps": "This phone cannot tell its position.", "walk.locating": "Finding your position…",
  "walk.gps_failed": "No position: {reason}",

  "door.no_conversation": "No conversation", "door.people": "People at this door",
  "door.voter_result": "Result for this person", "door.consent_recontact": "May we contact you again?",
  "door.consent_keep": "May we keep your answers?", "door.add_person": "Add a person not on the list",
  "door.new_person": "New person", "door.first_name": "First name", "door.last_name": "Last name",
  "door.new_person_note": "Note (optional)", "door.note": "Note for organizers", "door.save": "Save conversation",
  "door.skip": "Skip, come back later", "door.corrections": "Something wrong here?",
  "door.saved": "Saved on this phone.", "door.nothing_chosen": "Choose a result or an answer first.",
  "door.dnc": "Do not contact: do not knock here.", "door.access_note": "Access note (carried to the next shift)",
  "door.access_placeholder": "buzz 4B, doorman, elevator out…", "door.access_saved": "Access note saved.",
  "door.building_inaccessible": "Whole building inaccessible", "door.floor": "Floor {floor}",
  "door.other_units": "Other units", "door.no_unit": "(no unit)",
  "door.correcting": "Correcting your earlier entry for this door.",

  "correction.wrong_address": "Wrong address", "correction.misplaced_pin": "The pin is in the wrong place (use my position)",
  "correction.new_unit": "A unit not on the list", "correction.add_unit": "Report this new unit",
  "correction.unit_needed": "Type the unit first.", "correction.sent": "Correction saved for the organizers.",

  "map.you": "You",

  "shift.title": "End of shift", "shift.sync_now": "Send now",
  "shift.last_sync": "Last sync {at}", "shift.never_synced": "Not synced yet",
  "shift.parked_title": ({ n }) => `${n} ${plural(n, "report", "reports")} refused by the server`,
  "shift.parked_help": "These were not accepted. Tell your organizer, or export them below.",
  "shift.door": "Door #{id}", "shift.dismiss": "Remove", "shift.dismiss_confirm": "Remove this report from the phone for good?",
  "shift.progress": "Your progress", "shift.doors_done": "{done} of {total} doors",
  "shift.reports": ({ n }) => `${n} ${plural(n, "report", "reports")}`,
  "shift.export": "Export my unsent reports", "shift.exported": ({ n }) => `${n} ${plural(n, "report", "reports")} exported.`,
  "shift.end_walk": "End my walk", "shift.language": "Language", "shift.logout": "Log out",
  "shift.logout_refused": ({ n }) => `You cannot log out: ${n} ${plural(n, "report is", "reports are")} not sent yet.`,
  "shift.version": "App version {v}",

  "update.ready": "Update ready", "update.apply": "Install the update now",
  "update.blocked": "It installs when your reports are sent and your walk is ended.",

  "status.todo": "To do", "status.skipped": "Later", "status.canvassed": "Talked", "status.not_home": "Not home",
  "status.come_back": "Come back", "status.refused": "Refused", "status.hostile": "Hostile",
  "status.inaccessible": "Inaccessible", "status.moved": "Moved", "status.deceased": "Deceased",
  "status.wrong_address": "Wrong address", "status.language_barrier": "Language barrier",
  "status.do_not_contact": "Do not contact", "status.lit_drop": "Lit left", "status.corrected": "Corrected",
};
