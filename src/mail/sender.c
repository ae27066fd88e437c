/*
 * sender.c - the one author address of a message.
 *
 * Security notes: the From value is hostile input.  GMime parses it (with
 * RFC 2047 names decoded); we then insist on one mailbox, an address of
 * printable ASCII without spaces, quotes or angle brackets, exactly one
 * '@' with text on both sides, and at most SENDER_ADDR_MAX-1 bytes.  That
 * address is later written into Authentication-Results, so nothing that
 * could break out of a header value is accepted.
 */
#include <string.h>

#include <gmime/gmime.h>

#include "mail/sender.h"

static bool
addr_is_safe(const char *a)
{
	const char *at = strchr(a, '@');
	size_t i, n = strlen(a);

	if (at == NULL || at == a || at[1] == '\0' || strchr(at + 1, '@'))
		return false;
	if (n == 0 || n >= SENDER_ADDR_MAX)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)a[i];

		if (c <= 32 || c >= 127 || strchr("\"<>()[]\\,;:", c))
			return false;
	}
	return true;
}

void
sender_from_headers(const struct hdrlist *hl, struct sender *out)
{
	InternetAddressList *list;
	InternetAddress *ia;
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
	addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
	if (addr == NULL || !addr_is_safe(addr)) {
		out->status = SENDER_INVALID;
		goto done;
	}
	memcpy(out->addr, addr, strlen(addr) + 1);
	out->domain = strchr(out->addr, '@') + 1;
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
