/*
 * redact_hdr.c - every PIN candidate out of header fields and MIME
 * parameters: Thread-Topic, Comments, Keywords, display names, any
 * X- field, the header of an attached message, a part's
 * Content-Description, file names.
 *
 * A field is read as a person reads it (mail/decode.c: unfolded,
 * encoded-words decoded, the same charset rules as the body).  When that
 * text shows a candidate, the field is rewritten: in place when the raw
 * value is plain ASCII and redacting it leaves nothing (structure and
 * folding kept); else an address field is parsed by GMime and its
 * display names redacted (dropped when that is not enough), and any
 * other field is written again as unstructured text (RFC 2047).
 * Parameters are read decoded by GMime (RFC 2231 and encoded-words) and
 * set back through it.
 *
 * Security: whatever is rewritten is read back and checked; the
 * pipeline's post-condition checks the whole delivered message again.
 * Buffers that held decoded text are wiped before they are freed.
 *
 * Diagnostics: none; the caller logs.
 */
#include <string.h>
#include <strings.h>

#include "mail/decode.h"
#include "filter/redact_int.h"

void
redact_wipe_free(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		g_free(s);
	}
}

static bool
is_address_field(const char *name)
{
	static const char *const names[] = { "From", "To", "Cc", "Bcc",
		"Reply-To", "Sender", "Resent-From", "Resent-To", "Resent-Cc",
		"Resent-Bcc", "Resent-Sender", "Disposition-Notification-To",
		"Return-Receipt-To", "Mail-Followup-To", "Mail-Reply-To", NULL };
	size_t i;

	for (i = 0; names[i] != NULL; i++)
		if (strcasecmp(name, names[i]) == 0)
			return true;
	return false;
}

/* Does RAW, read as a person reads it, still show a candidate of C (or
 * a keyword-anchored PIN)? */
static bool
field_shows(const char *raw, const struct pin_candidates *c)
{
	char *dec = decode_header(raw), *out;
	size_t n = 0;

	out = redact_text(dec, strlen(dec), c, NULL, &n);
	redact_wipe_free(out);
	redact_wipe_free(dec);
	return n > 0;
}

static bool
plain_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* Redact the display names of L (groups included), recursively. */
static void
names_redact(InternetAddressList *l, const struct pin_candidates *c,
    unsigned depth)
{
	int i, n = internet_address_list_length(l);

	for (i = 0; i < n; i++) {
		InternetAddress *a = internet_address_list_get_address(l, i);
		const char *name = internet_address_get_name(a);
		char *out;
		size_t k = 0;

		if (name != NULL) {
			out = redact_text(name, strlen(name), c, NULL, &k);
			if (k > 0)
				internet_address_set_name(a, out);
			redact_wipe_free(out);
		}
		if (INTERNET_ADDRESS_IS_GROUP(a) && depth < 4)
			names_redact(internet_address_group_get_members(
			    INTERNET_ADDRESS_GROUP(a)), c, depth + 1);
	}
}

/* Drop every display name of L (the redacted ones were not enough). */
static void
names_drop(InternetAddressList *l)
{
	int i, n = internet_address_list_length(l);

	for (i = 0; i < n; i++) {
		InternetAddress *a = internet_address_list_get_address(l, i);

		if (INTERNET_ADDRESS_IS_MAILBOX(a))
			internet_address_set_name(a, NULL);
	}
}

/* An address field with its display names redacted, or NULL. */
static char *
address_redact(const char *raw, const struct pin_candidates *c)
{
	InternetAddressList *l = internet_address_list_parse(NULL, raw);
	char *v;

	if (l == NULL)
		return NULL;
	names_redact(l, c, 0);
	v = internet_address_list_to_string(l, NULL, TRUE);
	if (v != NULL && field_shows(v, c)) {
		redact_wipe_free(v);
		names_drop(l);
		v = internet_address_list_to_string(l, NULL, TRUE);
	}
	g_object_unref(l);
	return v;
}

char *
redact_field(const char *name, const char *raw, const struct pin_candidates *c,
    size_t *n)
{
	char *dec = decode_header(raw), *out, *v = NULL;
	size_t k = 0;

	*n = 0;
	out = redact_text(dec, strlen(dec), c, NULL, &k);
	redact_wipe_free(dec);
	if (k == 0) {
		redact_wipe_free(out);
		return NULL;
	}
	*n = k;
	if (plain_ascii(raw) && strstr(raw, "=?") == NULL) {
		/* in place: structure and folding kept */
		v = redact_text(raw, strlen(raw), c, NULL, &k);
		if (field_shows(v, c)) {
			redact_wipe_free(v);
			v = NULL;
		}
	}
	if (v == NULL && is_address_field(name))
		v = address_redact(raw, c);
	if (v == NULL || field_shows(v, c)) {
		redact_wipe_free(v);
		v = edits_subject_value(out);
	}
	redact_wipe_free(out);
	return v;
}

/* Fields whose parameters are redacted through GMime. */
static bool
content_field(const char *name)
{
	return strcasecmp(name, "Content-Type") == 0 ||
	    strcasecmp(name, "Content-Disposition") == 0 ||
	    strcasecmp(name, "Content-Transfer-Encoding") == 0;
}

/* Top-level fields redacted elsewhere, or removed anyway. */
static bool
field_skipped(const char *name)
{
	return strcasecmp(name, "Subject") == 0 ||
	    strncasecmp(name, "X-Support-", 10) == 0 || content_field(name);
}

int
redact_top_fields(const struct hdrlist *hl, const struct pin_candidates *c,
    struct edits *e)
{
	size_t i, j, idx, n;
	int total = 0;
	char *v;

	for (i = 0; i < hl->n; i++) {
		const char *name = hl->v[i].name;

		if (field_skipped(name))
			continue;
		if ((v = redact_field(name, hl->v[i].value, c, &n)) == NULL)
			continue;
		for (idx = 1, j = 0; j < i; j++)
			if (strcasecmp(hl->v[j].name, name) == 0)
				idx++;
		edits_change(e, name, idx, v);
		redact_wipe_free(v);
		total += (int)n;
	}
	return total;
}

/* The parameters of PL, redacted in place; the replacements. */
static int
params_redact(GMimeParamList *pl, const struct pin_candidates *c)
{
	int i, total = 0, n = pl != NULL ? g_mime_param_list_length(pl) : 0;

	for (i = 0; i < n; i++) {
		GMimeParam *p = g_mime_param_list_get_parameter_at(pl, i);
		const char *val = g_mime_param_get_value(p);
		char *dec, *out;
		size_t k = 0;

		if (val == NULL)
			continue;
		dec = decode_header(val);	/* encoded-words in a name= */
		out = redact_text(dec, strlen(dec), c, NULL, &k);
		if (k > 0) {
			g_mime_param_set_value(p, out);
			total += (int)k;
		}
		redact_wipe_free(out);
		redact_wipe_free(dec);
	}
	return total;
}

/* The fields of OBJ's own header list but the Content-* ones. */
static int
list_redact(GMimeObject *obj, const struct pin_candidates *c)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(obj);
	int i, total = 0, n = hl != NULL ? g_mime_header_list_get_count(hl) : 0;

	for (i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		const char *name = g_mime_header_get_name(h);
		const char *raw = g_mime_header_get_raw_value(h);
		char *v, *nv;
		size_t k;

		if (name == NULL || raw == NULL || content_field(name))
			continue;
		if ((v = redact_field(name, raw, c, &k)) == NULL)
			continue;
		nv = g_strconcat(" ", v, "\n", NULL);
		g_mime_header_set_raw_value(h, nv);
		redact_wipe_free(nv);
		redact_wipe_free(v);
		total += (int)k;
	}
	return total;
}

/* Write ENCODED (a field value GMime made) as OBJ's field NAME. */
static void
field_rewrite(GMimeObject *obj, const char *name, char *encoded)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(obj);
	GMimeHeader *h = hl != NULL ? g_mime_header_list_get_header(hl, name) :
	    NULL;
	size_t n;
	char *v;

	if (h == NULL || encoded == NULL) {
		g_free(encoded);
		return;
	}
	n = strlen(encoded);
	v = g_strconcat(encoded[0] == ' ' ? "" : " ", encoded,
	    n > 0 && encoded[n - 1] == '\n' ? "" : "\n", NULL);
	g_mime_header_set_raw_value(h, v);
	redact_wipe_free(v);
	redact_wipe_free(encoded);
}

int
redact_object_fields(GMimeObject *obj, bool fields,
    const struct pin_candidates *c)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	GMimeContentDisposition *cd = g_mime_object_get_content_disposition(obj);
	int n = 0, k;

	if (fields)
		n += list_redact(obj, c);
	if (ct != NULL && (k = params_redact(
	    g_mime_content_type_get_parameters(ct), c)) > 0) {
		field_rewrite(obj, "Content-Type",
		    g_mime_content_type_encode(ct, NULL));
		n += k;
	}
	if (cd != NULL && (k = params_redact(
	    g_mime_content_disposition_get_parameters(cd), c)) > 0) {
		field_rewrite(obj, "Content-Disposition",
		    g_mime_content_disposition_encode(cd, NULL));
		n += k;
	}
	return n;
}
