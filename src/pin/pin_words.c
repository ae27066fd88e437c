/*
 * pin_words.c - the words around a PIN, in English and French, with the
 * connectors Scandinavian and German writers put between the keyword and
 * the digits ("PIN är 482913", "PIN-koden min er", "PIN lautet",
 * "PIN-Nummer").
 *
 * One table, sorted, looked up with bsearch: the keyword (PIN, NIP, and
 * PINs, pincode), the filler words that may stand between the keyword
 * and the digits ("my PIN is", "code NIP", "mon NIP est") or between
 * the digits and the keyword ("482913 is my PIN"), abbreviations after
 * which a '.' or '°' is part of the gap ("PIN no. 482913"), decoys: words
 * that name another kind of number (case, order, invoice, ticket,
 * account, ext, poste, commande, facture, ...), and currencies, which
 * make the digits before them an amount.
 *
 * Words arrive lowercased (pin_lex.c); accented French words are in the
 * table in UTF-8, with and without accents where mail writes both.
 *
 * Diagnostics: none; pure functions.
 */
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "pin/pin_impl.h"

struct pin_word {
	const char	*w;
	unsigned	 flags;
};

/* Sorted by strcmp (UTF-8 bytes): looked up with bsearch. */
static const struct pin_word pin_words[] = {
	{ "account",	W_BEFORE | W_DECOY },
	{ "acct",	W_DECOY },
	{ "amount",	W_DECOY },
	{ "and",	W_LIST },
	{ "apt",	W_DECOY },
	{ "article",	W_DECOY },
	{ "as",		W_BEFORE },
	{ "aud",	W_DECOY | W_MONEY },
	{ "bill",	W_DECOY },
	{ "box",	W_DECOY },
	{ "bp",		W_DECOY },
	{ "build",	W_DECOY },
	{ "c",		W_AFTER | W_BEFORE },
	{ "cad",	W_DECOY | W_MONEY },
	{ "case",	W_DECOY },
	{ "cell",	W_DECOY },
	{ "chf",	W_DECOY | W_MONEY },
	{ "client",	W_BEFORE | W_DECOY },
	{ "code",	W_AFTER },
	{ "colis",	W_DECOY },
	{ "commande",	W_DECOY },
	{ "compte",	W_BEFORE | W_DECOY },
	{ "contract",	W_DECOY },
	{ "contrat",	W_DECOY },
	{ "cp",		W_DECOY },
	{ "current",	W_BEFORE },
	{ "customer",	W_BEFORE | W_DECOY },
	{ "date",	W_DECOY },
	{ "de",		W_AFTER },
	{ "dollar",	W_DECOY | W_MONEY },
	{ "dollars",	W_DECOY | W_MONEY },
	{ "dossier",	W_DECOY },
	{ "du",		W_AFTER },
	{ "er",		W_AFTER | W_BEFORE },
	{ "est",	W_AFTER | W_BEFORE },
	{ "et",		W_LIST },
	{ "eur",	W_DECOY | W_MONEY },
	{ "euro",	W_DECOY | W_MONEY },
	{ "euros",	W_DECOY | W_MONEY },
	{ "ext",	W_DECOY },
	{ "extension",	W_DECOY },
	{ "facture",	W_DECOY },
	{ "fax",	W_DECOY },
	{ "gbp",	W_DECOY | W_MONEY },
	{ "id",		W_DECOY },
	{ "inr",	W_DECOY | W_MONEY },
	{ "invoice",	W_DECOY },
	{ "ip",		W_DECOY },
	{ "is",		W_AFTER | W_BEFORE },
	{ "ist",	W_AFTER | W_BEFORE },
	{ "it",		W_AFTER | W_BEFORE },
	{ "item",	W_DECOY },
	{ "jpy",	W_DECOY | W_MONEY },
	{ "kod",	W_AFTER },
	{ "kode",	W_AFTER },
	{ "koden",	W_AFTER },
	{ "la",		W_AFTER | W_BEFORE },
	{ "lautet",	W_AFTER },
	{ "le",		W_AFTER | W_BEFORE },
	{ "livraison",	W_DECOY },
	{ "ma",		W_AFTER | W_BEFORE },
	{ "mein",	W_AFTER | W_BEFORE },
	{ "meine",	W_AFTER | W_BEFORE },
	{ "min",	W_AFTER | W_BEFORE },
	{ "mobile",	W_DECOY },
	{ "mon",	W_AFTER | W_BEFORE },
	{ "montant",	W_DECOY },
	{ "my",		W_AFTER | W_BEFORE },
	{ "n",		W_AFTER | W_ABBREV },
	{ "new",	W_BEFORE },
	{ "nip",	W_KEY },
	{ "no",		W_AFTER | W_ABBREV },
	{ "notre",	W_AFTER | W_BEFORE },
	{ "nouveau",	W_BEFORE },
	{ "nr",		W_AFTER | W_ABBREV },
	{ "num",	W_AFTER | W_ABBREV },
	{ "number",	W_AFTER },
	{ "numero",	W_AFTER },
	{ "nummer",	W_AFTER },
	{ "numéro",	W_AFTER },
	{ "oder",	W_LIST },
	{ "or",		W_LIST },
	{ "order",	W_DECOY },
	{ "ou",		W_LIST },
	{ "our",	W_AFTER | W_BEFORE },
	{ "parcel",	W_DECOY },
	{ "phone",	W_DECOY },
	{ "pin",	W_KEY },
	{ "pincode",	W_KEY },
	{ "pins",	W_KEY },
	{ "po",		W_DECOY },
	{ "port",	W_DECOY },
	{ "portable",	W_DECOY },
	{ "postal",	W_DECOY },
	{ "postcode",	W_DECOY },
	{ "poste",	W_DECOY },
	{ "price",	W_DECOY },
	{ "prix",	W_DECOY },
	{ "receipt",	W_DECOY },
	{ "ref",	W_DECOY },
	{ "reference",	W_DECOY },
	{ "room",	W_DECOY },
	{ "rs",		W_DECOY | W_MONEY },
	{ "réf",	W_DECOY },
	{ "référence",	W_DECOY },
	{ "s",		W_AFTER | W_BEFORE },
	{ "serial",	W_DECOY },
	{ "shipment",	W_DECOY },
	{ "sku",	W_DECOY },
	{ "sn",		W_DECOY },
	{ "suite",	W_DECOY },
	{ "support",	W_BEFORE },
	{ "tel",	W_DECOY },
	{ "telephone",	W_DECOY },
	{ "the",	W_AFTER | W_BEFORE },
	{ "ticket",	W_DECOY },
	{ "total",	W_DECOY },
	{ "tracking",	W_DECOY },
	{ "transaction", W_DECOY },
	{ "txn",	W_DECOY },
	{ "tél",	W_DECOY },
	{ "téléphone",	W_DECOY },
	{ "und",	W_LIST },
	{ "usd",	W_DECOY | W_MONEY },
	{ "user",	W_BEFORE },
	{ "utilisateur", W_BEFORE },
	{ "v",		W_DECOY },
	{ "ver",	W_DECOY },
	{ "version",	W_DECOY },
	{ "votre",	W_AFTER | W_BEFORE },
	{ "was",	W_AFTER | W_BEFORE },
	{ "x",		W_DECOY },
	{ "yen",	W_DECOY | W_MONEY },
	{ "your",	W_AFTER | W_BEFORE },
	{ "zip",	W_DECOY },
	{ "är",		W_AFTER | W_BEFORE },
};

static int
pin_word_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct pin_word *)elem)->w);
}

unsigned
pin_word_flags(const char *w)
{
	const struct pin_word *pw;

	pw = bsearch(w, pin_words, G_N_ELEMENTS(pin_words),
	    sizeof pin_words[0], pin_word_cmp);
	return pw != NULL ? pw->flags : 0;
}
