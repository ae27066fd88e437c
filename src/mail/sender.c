/*
 * sender.c - the one author address of a message.
 *
 * Security notes: the From value is hostile input, and two readings of
 * it must agree.  GMime parses it (with RFC 2047 names decoded) and says
 * whether it holds one mailbox; the address parser (util/address.c)
 * reads the same value and gives the canonical address.  When GMime's
 * address and ours differ the message has no sender: GMime reads
 * "a@b@c.example" as "a@b", which is not what was written.  The address
 * is later written into Authentication-Results, so it must also be
 * plain: a local part that needs quotes or an address literal is
 * refused, and the canonical form holds only printable ASCII without
 * white space, quotes, brackets or a second '@'.
 */
#include <string.h>

#include <gmime/gmime.h>

#include "mail/sender.h"
#include "util/address.h"

/* GMime's address A and the From value V: one plain address, canonical. */
static bool
sender_agree(const char *a, const char *v, struct address *out)
{
	struct address g;

	if (address_parse_mailbox(v, ADDRESS_PLAIN, out) != ADDRESS_OK)
		return false;
	return address_parse(a, 0, &g) == ADDRESS_OK &&
	    strcmp(g.addr, out->addr) == 0;
}

void
sender_from_headers(const struct hdrlist *hl, struct sender *out)
{
	InternetAddressList *list;
	InternetAddress *ia;
	struct address a;
	const char *value, *addr;

	memset(out, 0, sizeof(*out));
	switch (hdrlist_count(hl, "From")) {
	case 0:
		out->status = SENDER_NONE;
		return;
	case 1:
		break;
	default:
		out->status = SENDER_MULTIPLE_FIELDS;
		return;
	}
	value = hdrlist_get(hl, "From", 1);
	list = internet_address_list_parse(NULL, value);
	if (list == NULL || internet_address_list_length(list) == 0) {
		out->status = SENDER_INVALID;
		goto done;
	}
	if (internet_address_list_length(list) > 1) {
		out->status = SENDER_MULTIPLE;
		goto done;
	}
	ia = internet_address_list_get_address(list, 0);
	if (!INTERNET_ADDRESS_IS_MAILBOX(ia)) {
		out->status = SENDER_MULTIPLE;	/* a group */
		goto done;
	}
	/* the IDN form: get_addr() turns xn-- labels into UTF-8 */
	addr = internet_address_mailbox_get_idn_addr(
	    INTERNET_ADDRESS_MAILBOX(ia));
	if (addr == NULL || !sender_agree(addr, value, &a)) {
		out->status = SENDER_INVALID;
		goto done;
	}
	memcpy(out->addr, a.addr, strlen(a.addr) + 1);
	out->domain = out->addr + strlen(a.local) + 1;
	out->status = SENDER_OK;
done:
	if (list != NULL)
		g_object_unref(list);
}

const char *
sender_status_reason(enum sender_status st)
{
	switch (st) {
	case SENDER_OK:
		return "sender ok";
	case SENDER_NONE:
		return "no From address";
	case SENDER_MULTIPLE_FIELDS:
		return "more than one From field";
	case SENDER_MULTIPLE:
		return "more than one From address";
	case SENDER_INVALID:
	default:
		return "invalid From address";
	}
}

bool
sender_reply_to_matches(const struct hdrlist *hl, const char *from)
{
	struct hdrlist one;
	struct sender s;
	const char *value;
	size_t i;
	bool same = true;

	for (i = 1; same && (value = hdrlist_get(hl, "Reply-To", i)); i++) {
		/* the value read exactly as a From value would be */
		hdrlist_init(&one);
		hdrlist_add(&one, "From", value);
		sender_from_headers(&one, &s);
		same = s.status == SENDER_OK &&
		    g_ascii_strcasecmp(s.addr, from) == 0;
		hdrlist_clear(&one);
	}
	return same;
}
