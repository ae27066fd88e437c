/*
 * config_words.c - the defaults of the word lists the intent classifier
 * reads (case/intent.h): ChangeVerbs, ObjectVerbs, ChangeObjects and
 * OtherPINWords, English and French, folded (lower case, no accents; the
 * loader folds what a file gives the same way).  pinmilter.conf(5) says
 * what each list is for; "pinmilter -n -v" prints them.
 */
#include "core/config_keys.h"

/* Action verbs that ask for a change on their own, when a request
 * governs them: English base forms, French infinitives. */
const char cfg_default_change_verbs[] =
	"activate activer add affecter ajouter allocate allowlist amend "
	"annuler assign attribuer bar blacklist block blocklist bloquer "
	"cancel change changer configure configurer create creer "
	"deactivate debloquer decommission decrease delete deprovision "
	"deregister desactiver desinstaller disable disconnect discontinue "
	"divert downgrade edit effacer enable enlever erase extend "
	"increase install installer migrate migrer modifier modify "
	"parametrer provision rajouter reactivate reactiver reaffecter "
	"reassign reattribuer reconfigure reconfigurer redirect rediriger "
	"reduce reinitialiser remove remplacer rename renommer renumber "
	"replace reroute reset resilier restrict retirer setup supprimer "
	"suspend suspendre swap terminate unassign unbar unblock uninstall "
	"unregister unsubscribe unsuspend upgrade whitelist";

/* Action verbs that ask only with a thing of ChangeObjects near them
 * ("set the greeting", "forward calls", "passer au forfait"). */
const char cfg_default_object_verbs[] =
	"adjust ajuster allow appliquer apply arreter augmenter autoriser "
	"basculer brancher buy close commander connect convert couper cut "
	"deplacer diminuer donner drop enregistrer envoyer fermer forward "
	"give grant interdire link lower make map merge mettre move mute "
	"open order ouvrir passer permit point port porter programmer "
	"purchase put raise record reduire register release relier renew "
	"renvoyer restore revoke route schedule send set shut split start "
	"stop switch take transfer transferer turn unlink unmute update "
	"upload";

/* Things of the account. */
const char cfg_default_change_objects[] =
	"abonnement abonnements acces access account accounts accueil "
	"address addresses admin administrator administrators adresse "
	"adresses alert alerts annonce annonces announcement app appel "
	"appels application attendant attente billing blocklist boite "
	"bridge bundle call caller calls card carte channel channels cli "
	"compte comptes conference contract contracts contrat contrats "
	"debit delay destination details device devices dial did directory "
	"display dnd droits email enregistrement enregistrements ext "
	"extension extensions facturation fax faxes feature features file "
	"forfait forfaits forwarding fuseau greeting greetings group "
	"groupe groupes groups handset handsets hold horaires hours id "
	"identifiant ivr language langue licence licences license licenses "
	"ligne lignes limit line lines login mailbox mailboxes menu "
	"message messagerie messages minutes mode music musique name names "
	"nom notification notifications number numbers numero numeros "
	"offre option options owner package paiement passe password "
	"payment permission permissions phone phones pin plan plans port "
	"portabilite porting poste postes profil profile prompt queue "
	"queues recording recordings records regle regles renvoi renvois "
	"repertoire repondeur rights ring role route routing rule rules "
	"schedule seat seats service services setting settings sim site "
	"sites softphone standard subscription subscriptions svi tariff "
	"telephone telephones timeout timezone transcription transfert "
	"transferts trunk trunks user users utilisateur utilisateurs "
	"voicemail voicemails waiting whitelist zone";

/* Before "PIN"/"NIP" (or after "for", "of", "de"): a PIN that is not the
 * support PIN ("voicemail PIN", "NIP de la messagerie"). */
const char cfg_default_other_pins[] =
	"alarm app atm badge bank bluetooth boite bridge card carte "
	"cellulaire conference credit debit desk deskphone device door ext "
	"extension handset lock mailbox meeting messagerie mobile phone "
	"portable poste puk repondeur router safe sim telephone vm vocale "
	"voice voicemail wifi";
