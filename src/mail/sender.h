/*
 * sender.h - who wrote the message: exactly one From: field holding
 * exactly one mailbox, or nobody.
 *
 * Two From fields, a group, a list of addresses, an address without a
 * domain, one GMime cannot parse, one that is not a valid addr-spec
 * (util/address.h: "a@b@c.example" is not), one GMime reads otherwise
 * than the address parser, or one whose local part needs quotes or whose
 * domain is an address literal: the message cannot authenticate
 * (OpenDMARC CVE-2019-16378 took the first of several).
 */
#ifndef PM_SENDER_H
#define PM_SENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "mail/hdrlist.h"

#include "util/address.h"

#define SENDER_ADDR_MAX	256	/* at least ADDRESS_MAX + 1 */

enum sender_status {
	SENDER_OK = 0,
	SENDER_NONE,		/* no From field */
	SENDER_MULTIPLE_FIELDS,	/* more than one From field */
	SENDER_MULTIPLE,	/* more than one address, or a group */
	SENDER_INVALID,		/* unparseable, no @, too long, odd bytes */
};

struct sender {
	enum sender_status status;
	char addr[SENDER_ADDR_MAX];	/* canonical local@domain, when OK */
	const char *domain;		/* points into addr, when OK */
};

/* Decide the sender from the header fields.  Needs g_mime_init(). */
void sender_from_headers(const struct hdrlist *hl, struct sender *out);

const char *sender_status_reason(enum sender_status st);

/*
 * Does every Reply-To field hold exactly one mailbox, FROM itself (read
 * as strictly as From; canonical forms compared in any case)?  True when there
 * is no Reply-To.  A helpdesk that takes Reply-To as the customer would
 * otherwise file a verified message under another mailbox.
 */
bool sender_reply_to_matches(const struct hdrlist *hl, const char *from);

#endif
