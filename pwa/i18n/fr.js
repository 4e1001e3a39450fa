// Textes de l'interface en français. Mêmes clés que en.js.
const plural = (n, one, many) => (Math.abs(Number(n)) < 2 ? one : many);

export default {
  "lang.name": "Français",
  "app.name": "Canvass",
  "common.back": "Retour", "common.loading": "Chargement…", "common.ok": "OK", "common.save": "Enregistrer",
  "common.yes": "Oui", "common.no": "Non",

  "auth.email": "E-mail", "auth.password": "Mot de passe", "auth.login": "Se connecter",
  "auth.need_invite": "Nouveau bénévole ? Ouvrez le lien d'invitation envoyé par votre organisateur.",
  "auth.join_title": "Rejoindre le porte-à-porte", "auth.join_intro": "Choisissez votre nom et un mot de passe pour vous connecter sur ce téléphone.",
  "auth.code": "Code d'invitation", "auth.name": "Votre nom", "auth.new_password": "Mot de passe (8 caractères ou plus)",
  "auth.join": "Rejoindre", "auth.have_account": "J'ai déjà un compte",
  "auth.offline": "Pas de réseau. Connectez-vous une fois ; ensuite l'application marche hors ligne.",
  "auth.session_expired": ({ n, name }) => n
    ? `Votre connexion a pris fin, ${name}. Reconnectez-vous pour envoyer ${plural(n, "votre", "vos")} ${n} ${plural(n, "compte rendu", "comptes rendus")} : ${plural(n, "il reste", "ils restent")} sur ce téléphone.`
    : `Votre connexion a pris fin, ${name}. Reconnectez-vous.`,
  "auth.other_user_unsent": ({ n, name }) =>
    `Ce téléphone contient ${n} ${plural(n, "compte rendu", "comptes rendus")} de ${name} pas encore ${plural(n, "envoyé", "envoyés")}. ${name} doit d'abord se connecter ici pour ${plural(n, "l'envoyer", "les envoyer")}, ou ${plural(n, "l'exporter", "les exporter")} pour votre organisateur.`,
  "auth.export": "Exporter les comptes rendus non envoyés",
  "auth.list_code_waiting": "La liste {code} sera ajoutée à ce téléphone une fois connecté.",

  "install.title": "Installez l'application :", "install.ios": "touchez Partager, puis « Sur l'écran d'accueil ». Elle s'ouvre alors sans réseau et vos comptes rendus sont protégés.",

  "sync.all_sent": "Tous les comptes rendus sont envoyés",
  "sync.waiting": ({ n }) => `${n} ${plural(n, "compte rendu", "comptes rendus")} en attente d'envoi`,
  "sync.parked": ({ n }) => `${n} à vérifier`,
  "sync.syncing": "envoi…", "sync.offline": "hors ligne, nouvel essai plus tard", "sync.error": "problème serveur, nouvel essai plus tard",
  "sync.login": "reconnectez-vous pour envoyer",

  "turfs.title": "Mes secteurs", "turfs.on_phone": "Sur ce téléphone", "turfs.assigned": "Qui vous sont confiés",
  "turfs.doors": ({ n }) => `${n} ${plural(n, "porte", "portes")}`,
  "turfs.walk": "Y aller", "turfs.download": "Télécharger", "turfs.refresh": "Télécharger à nouveau",
  "turfs.downloaded": "Secteur enregistré sur ce téléphone.", "turfs.none_on_phone": "Aucun secteur sur ce téléphone.",
  "turfs.none_assigned": "Aucun secteur ne vous est encore confié.", "turfs.offline": "Hors ligne : voici ce qui est sur ce téléphone.",
  "turfs.list_code": "Code de liste donné par l'organisateur", "turfs.claim": "Obtenir cette liste", "turfs.claimed": "Liste ajoutée.",
  "turfs.claiming": "Obtention de la liste {code}…",
  "turfs.claim_offline": "Pas de réseau : le code de liste {code} est gardé sur ce téléphone et sera utilisé dès le retour du réseau.",
  "turfs.download_offline": "Pas de réseau : connectez-vous au réseau pour télécharger ce secteur.",
  "turfs.revoked_waiting": "Repris : vos comptes rendus partent, puis il quitte ce téléphone.",

  "notice.turf_unassigned": "Ce secteur a été confié à quelqu'un d'autre. Vos comptes rendus sont quand même envoyés et gardés.",
  "notice.turf_deleted": "Ce secteur a été supprimé par un organisateur. Vos comptes rendus sont quand même envoyés et gardés.",
  "notice.doors_removed": ({ n }) => `Un organisateur a retiré ${n} ${plural(n, "porte", "portes")} de ce secteur.`,
  "notice.doors_added": "Un organisateur a ajouté des portes à ce secteur.",
  "notice.turf_updated": "Ce secteur a été mis à jour (portes, électeurs, ordre ou contour) : la liste affiche la nouvelle version.",
  "notice.do_not_contact": "Une personne de ce secteur ne veut plus être contactée : marquée ⛔.",
  "notice.wiped.turf_unassigned": "« {name} » a été confié à quelqu'un d'autre. Tous vos comptes rendus ont été envoyés ; il a été retiré du téléphone.",
  "notice.wiped.turf_deleted": "« {name} » a été supprimé. Tous vos comptes rendus ont été envoyés ; il a été retiré du téléphone.",

  "walk.progress": "{done} portes faites sur {total}", "walk.map": "Carte", "walk.locate": "Où suis-je ?",
  "walk.lit_mode": "Mode tractage", "walk.undo": "Annuler le dernier", "walk.end_shift": "Fin de session",
  "walk.next": "Porte suivante", "walk.all_done": "Toutes les portes sont faites. Vérifiez que tout est envoyé.",
  "walk.later": "À revoir plus tard", "walk.finished": ({ n }) => `Faites (${n})`, "walk.list": "Liste",
  "walk.units": ({ n, done }) => `Immeuble : ${n} logements, ${done} faits`, "walk.no_names": "Aucun nom sur la liste",
  "walk.lit_left": "Tract déposé", "walk.nothing_to_undo": "Rien à annuler.",
  "walk.undone": "Annulé : {address}", "walk.undo_sent": "Déjà envoyé : saisissez à nouveau cette porte pour corriger.",
  "walk.no_gps": "Ce téléphone ne connaît pas sa position.", "walk.locating": "Recherche de votre position…",
  "walk.gps_failed": "Pas de position : {reason}",

  "door.no_conversation": "Pas de conversation", "door.people": "Personnes à cette porte",
  "door.voter_result": "Résultat pour cette personne", "door.consent_recontact": "Pouvons-nous vous recontacter ?",
  "door.consent_keep": "Pouvons-nous garder vos réponses ?", "door.add_person": "Ajouter une personne absente de la liste",
  "door.new_person": "Nouvelle personne", "door.first_name": "Prénom", "door.last_name": "Nom",
  "door.new_person_note": "Note (facultatif)", "door.note": "Note pour les organisateurs", "door.save": "Enregistrer la conversation",
  "door.skip": "Passer, revenir plus tard", "door.corrections": "Une erreur ici ?",
  "door.saved": "Enregistré sur ce téléphone.", "door.nothing_chosen": "Choisissez d'abord un résultat ou une réponse.",
  "door.dnc": "Ne pas contacter : ne frappez pas ici.", "door.access_note": "Note d'accès (gardée pour la prochaine session)",
  "door.access_placeholder": "sonner 4B, gardien, ascenseur en panne…", "door.access_saved": "Note d'accès enregistrée.",
  "door.building_inaccessible": "Immeuble entier inaccessible", "door.floor": "Étage {floor}",
  "door.other_units": "Autres logements", "door.no_unit": "(sans numéro)",
  "door.correcting": "Correction de votre saisie précédente pour cette porte.",

  "correction.wrong_address": "Mauvaise adresse", "correction.misplaced_pin": "Le repère est mal placé (utiliser ma position)",
  "correction.new_unit": "Un logement absent de la liste", "correction.add_unit": "Signaler ce logement",
  "correction.unit_needed": "Saisissez d'abord le logement.", "correction.sent": "Correction enregistrée pour les organisateurs.",

  "map.you": "Vous",

  "shift.title": "Fin de session", "shift.sync_now": "Envoyer maintenant",
  "shift.last_sync": "Dernier envoi {at}", "shift.never_synced": "Rien d'envoyé pour l'instant",
  "shift.parked_title": ({ n }) => `${n} ${plural(n, "compte rendu refusé", "comptes rendus refusés")} par le serveur`,
  "shift.parked_help": "Ils n'ont pas été acceptés. Prévenez votre organisateur ou exportez-les ci-dessous.",
  "shift.door": "Porte n° {id}", "shift.dismiss": "Retirer", "shift.dismiss_confirm": "Retirer définitivement ce compte rendu du téléphone ?",
  "shift.progress": "Votre avancement", "shift.doors_done": "{done} portes sur {total}",
  "shift.reports": ({ n }) => `${n} ${plural(n, "compte rendu", "comptes rendus")}`,
  "shift.export": "Exporter mes comptes rendus non envoyés", "shift.exported": ({ n }) => `${n} ${plural(n, "compte rendu exporté", "comptes rendus exportés")}.`,
  "shift.end_walk": "Terminer ma tournée", "shift.language": "Langue", "shift.logout": "Se déconnecter",
  "shift.logout_refused": ({ n }) => `Déconnexion impossible : ${n} ${plural(n, "compte rendu n'est", "comptes rendus ne sont")} pas encore ${plural(n, "envoyé", "envoyés")}.`,
  "shift.version": "Version {v}",

  "update.ready": "Mise à jour prête", "update.apply": "Installer la mise à jour",
  "update.blocked": "Elle s'installera quand vos comptes rendus seront envoyés et votre tournée terminée.",

  "status.todo": "À faire", "status.skipped": "Plus tard", "status.canvassed": "Parlé", "status.not_home": "Absent",
  "status.come_back": "À revoir", "status.refused": "Refus", "status.hostile": "Hostile",
  "status.inaccessible": "Inaccessible", "status.moved": "Déménagé", "status.deceased": "Décédé",
  "status.wrong_address": "Mauvaise adresse", "status.language_barrier": "Barrière de langue",
  "status.do_not_contact": "Ne pas contacter", "status.lit_drop": "Tract déposé", "status.corrected": "Corrigé",
};
