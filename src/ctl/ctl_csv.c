/*
 * ctl_csv.c - the CSV of "pinctl import": libcsv in strict mode, fed
 * line by line so that each record carries its line number, and each
 * row checked (address, account, PIN, role, name).  No store, no key,
 * no output: ctl_import.c reads the file, reports and writes.
 *
 * Security: the input holds PINs in clear.  libcsv's buffers go through
 * allocators that wipe what they release, and every copy of a field is
 * wiped before it is freed.  A reason never quotes a field.
 *
 * Diagnostics: none here; the first bad line and its reason are kept in
 * struct ctl_csv for the caller.
 */
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <glib.h>

#include "ctl/ctl.h"
#include "ctl/ctl_csv.h"
#include "util/xalloc.h"

static void
ctl_csv_row_free(void *p)
{
	struct ctl_csv_row *r = p;
	unsigned i;

	if (r == NULL)
		return;
	for (i = 0; i < CTL_CSV_FIELDS; i++)
		if (r->f[i] != NULL) {
			secret_wipe(r->f[i], strlen(r->f[i]));
			g_free(r->f[i]);
		}
	g_free(r);
}

void
ctl_csv_init(struct ctl_csv *csv)
{
	memset(csv, 0, sizeof(*csv));
	csv->rows = g_ptr_array_new_with_free_func(ctl_csv_row_free);
}

void
ctl_csv_clear(struct ctl_csv *csv)
{
	if (csv->rows != NULL)
		g_ptr_array_free(csv->rows, TRUE);
	ctl_csv_row_free(csv->cur);
	memset(csv, 0, sizeof(*csv));
}

void
ctl_csv_fail(struct ctl_csv *csv, unsigned line, const char *reason)
{
	if (line == 0)
		line = 1;
	if (csv->bad_line == 0 || line < csv->bad_line) {
		csv->bad_line = line;
		snprintf(csv->bad, sizeof(csv->bad), "%s", reason);
	}
}

/*
 * libcsv allocators that wipe whatever they give back.  They stay on
 * malloc (malloc_usable_size says how much to wipe); running out of
 * memory is fatal, as everywhere (util/xalloc.h).
 */
static void *
ctl_csv_realloc(void *old, size_t n)
{
	void *p = xalloc_check(malloc(n > 0 ? n : 1), "CSV parser");
	size_t had;

	if (old == NULL)
		return p;
	had = malloc_usable_size(old);
	memcpy(p, old, had < n ? had : n);
	secret_wipe(old, had);
	free(old);
	return p;
}

static void
ctl_csv_free(void *p)
{
	if (p != NULL)
		secret_wipe(p, malloc_usable_size(p));
	free(p);
}

static void
ctl_csv_field(void *s, size_t len, void *arg)
{
	struct ctl_csv *csv = arg;
	struct ctl_csv_row *r;

	if (csv->cur == NULL) {
		if (csv->line == 0)
			csv->line = csv->lineno;
		csv->cur = g_new0(struct ctl_csv_row, 1);
		csv->cur->line = csv->line;
	}
	r = csv->cur;
	if (len > CTL_CSV_MAX_FIELD) {
		ctl_csv_fail(csv, r->line, "field too long");
		r->refused = true;
	} else if (s != NULL && memchr(s, '\0', len) != NULL) {
		ctl_csv_fail(csv, r->line, "NUL byte in a field");
		r->refused = true;
	} else if (r->nfields < CTL_CSV_FIELDS)
		r->f[r->nfields] = g_strndup(s != NULL ? s : "", len);
	r->nfields++;
}

static void
ctl_csv_record(int ch, void *arg)
{
	struct ctl_csv *csv = arg;
	struct ctl_csv_row *r = csv->cur;

	(void)ch;
	csv->cur = NULL;
	csv->line = 0;
	if (r == NULL)
		return;
	if (r->refused) {
		/* reported; its missing field must not be read as absent */
		ctl_csv_row_free(r);
		return;
	}
	if (csv->records++ == 0 && r->f[CTL_CSV_EMAIL] != NULL &&
	    g_ascii_strcasecmp(r->f[CTL_CSV_EMAIL], "email") == 0) {
		ctl_csv_row_free(r);	/* header */
		return;
	}
	g_ptr_array_add(csv->rows, r);
}

static bool
ctl_csv_blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (strchr(" \t\r\n", s[i]) == NULL)
			return false;
	return true;
}

void
ctl_csv_parse(struct ctl_csv *csv, const char *buf, size_t len)
{
	struct csv_parser p;
	size_t off = 0, n;
	const char *nl;

	/* csv_init() fails only for a NULL parser; it allocates nothing */
	(void)csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
	csv_set_realloc_func(&p, ctl_csv_realloc);
	csv_set_free_func(&p, ctl_csv_free);
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		off = 3;		/* UTF-8 byte order mark */
	while (off < len && csv->bad_line == 0) {
		nl = memchr(buf + off, '\n', len - off);
		n = nl ? (size_t)(nl - (buf + off)) + 1 : len - off;
		csv->lineno++;
		if (csv->line == 0 && !ctl_csv_blank(buf + off, n))
			csv->line = csv->lineno;
		if (csv_parse(&p, buf + off, n, ctl_csv_field, ctl_csv_record,
		    csv) != n)
			ctl_csv_fail(csv, csv->line, "malformed CSV quoting");
		off += n;
	}
	if (csv->bad_line == 0 &&
	    csv_fini(&p, ctl_csv_field, ctl_csv_record, csv) != 0)
		ctl_csv_fail(csv, csv->line, "unterminated quoted field");
	csv_free(&p);
	ctl_csv_row_free(csv->cur);
	csv->cur = NULL;
}

const char *
ctl_csv_check_row(struct ctl_csv_row *r, char *buf, size_t len)
{
	char canon[STORE_EMAIL_MAX];
	enum store_role role;

	if (r->nfields < 3 || r->nfields > CTL_CSV_FIELDS) {
		snprintf(buf, len, "expected 3 to 5 fields "
		    "(email,account,pin[,role[,name]]), found %u", r->nfields);
		return buf;
	}
	if (!ctl_email_canonical(r->f[CTL_CSV_EMAIL], canon))
		return "invalid email address";
	secret_wipe(r->f[CTL_CSV_EMAIL], strlen(r->f[CTL_CSV_EMAIL]));
	g_free(r->f[CTL_CSV_EMAIL]);
	r->f[CTL_CSV_EMAIL] = g_strdup(canon);
	if (!ctl_account_valid(r->f[CTL_CSV_ACCOUNT]))
		return "invalid account name";
	if (!secret_pin_valid(r->f[CTL_CSV_PIN]))
		return "pin must be exactly 6 digits";
	if (ctl_role_parse(r->f[CTL_CSV_ROLE], &role) != 0)
		return "role must be admin or user";
	if (r->f[CTL_CSV_NAME] != NULL && !ctl_name_valid(r->f[CTL_CSV_NAME]))
		return "invalid name";
	return NULL;
}
