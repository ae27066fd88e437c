/*
 * ctl_import.c - "pinctl import FILE.csv": users with their PINs, in bulk.
 *
 * Columns: email,account,pin[,role[,name]] (RFC 4180, parsed by libcsv in
 * strict mode).  A first record whose first field is "email" (any case)
 * is a header and is skipped; blank lines are ignored.  Accounts that do
 * not exist are created.  The whole file is checked first, then written
 * in one transaction: any bad line ("FILE:LINE: reason", exit 1) or
 * store error imports nothing.
 *
 * Security: the file holds PINs in clear.  It is read with read(2) into
 * one buffer, libcsv's buffers go through allocators that wipe what they
 * release, and every copy of a field is wiped before it is freed.  PINs
 * never reach a diagnostic or the audit.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>
#include <glib.h>

#include "ctl/ctl.h"
#include "util/xalloc.h"

#define IMPORT_MAX_FILE		(16 * 1024 * 1024)
#define IMPORT_MAX_FIELD	1024
#define IMPORT_FIELDS		5

enum { F_EMAIL, F_ACCOUNT, F_PIN, F_ROLE, F_NAME };

struct import_row {
	unsigned line;
	unsigned nfields;		/* as found (may exceed IMPORT_FIELDS) */
	char *f[IMPORT_FIELDS];		/* missing optional fields: NULL */
};

struct import {
	struct ctl *c;
	const char *file;
	GPtrArray *rows;
	struct import_row *cur;		/* record being parsed */
	unsigned line;			/* first line of the current record */
	unsigned lineno;		/* line being fed */
	unsigned records;
	unsigned bad_line;		/* first problem found while parsing */
	char bad[160];
};

static void
import_row_free(void *p)
{
	struct import_row *r = p;
	unsigned i;

	if (r == NULL)
		return;
	for (i = 0; i < IMPORT_FIELDS; i++)
		if (r->f[i] != NULL) {
			secret_wipe(r->f[i], strlen(r->f[i]));
			g_free(r->f[i]);
		}
	g_free(r);
}

/* Note a problem; the one on the earliest line is reported. */
static void
import_fail(struct import *imp, unsigned line, const char *reason)
{
	if (line == 0)
		line = 1;
	if (imp->bad_line == 0 || line < imp->bad_line) {
		imp->bad_line = line;
		snprintf(imp->bad, sizeof(imp->bad), "%s", reason);
	}
}

/*
 * libcsv allocators that wipe whatever they give back.  They stay on
 * malloc (malloc_usable_size says how much to wipe); running out of
 * memory is fatal, as everywhere (util/xalloc.h).
 */
static void *
import_realloc(void *old, size_t n)
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
import_free(void *p)
{
	if (p != NULL)
		secret_wipe(p, malloc_usable_size(p));
	free(p);
}

static void
import_field(void *s, size_t len, void *arg)
{
	struct import *imp = arg;
	struct import_row *r;

	if (imp->cur == NULL) {
		if (imp->line == 0)
			imp->line = imp->lineno;
		imp->cur = g_new0(struct import_row, 1);
		imp->cur->line = imp->line;
	}
	r = imp->cur;
	if (len > IMPORT_MAX_FIELD)
		import_fail(imp, r->line, "field too long");
	else if (s != NULL && memchr(s, '\0', len) != NULL)
		import_fail(imp, r->line, "NUL byte in a field");
	else if (r->nfields < IMPORT_FIELDS)
		r->f[r->nfields] = g_strndup(s != NULL ? s : "", len);
	r->nfields++;
}

static void
import_record(int ch, void *arg)
{
	struct import *imp = arg;
	struct import_row *r = imp->cur;

	(void)ch;
	imp->cur = NULL;
	imp->line = 0;
	if (r == NULL)
		return;
	if (imp->records++ == 0 && r->f[F_EMAIL] != NULL &&
	    g_ascii_strcasecmp(r->f[F_EMAIL], "email") == 0) {
		import_row_free(r);	/* header */
		return;
	}
	g_ptr_array_add(imp->rows, r);
}

static bool
import_blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (strchr(" \t\r\n", s[i]) == NULL)
			return false;
	return true;
}

/* Feed BUF to libcsv line by line, so records carry their line number. */
static void
import_parse(struct import *imp, const char *buf, size_t len)
{
	struct csv_parser p;
	size_t off = 0, n;
	const char *nl;

	/* csv_init() fails only for a NULL parser; it allocates nothing */
	(void)csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
	csv_set_realloc_func(&p, import_realloc);
	csv_set_free_func(&p, import_free);
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		off = 3;		/* UTF-8 byte order mark */
	while (off < len && imp->bad_line == 0) {
		nl = memchr(buf + off, '\n', len - off);
		n = nl ? (size_t)(nl - (buf + off)) + 1 : len - off;
		imp->lineno++;
		if (imp->line == 0 && !import_blank(buf + off, n))
			imp->line = imp->lineno;
		if (csv_parse(&p, buf + off, n, import_field, import_record,
		    imp) != n)
			import_fail(imp, imp->line, "malformed CSV quoting");
		off += n;
	}
	if (imp->bad_line == 0 &&
	    csv_fini(&p, import_field, import_record, imp) != 0)
		import_fail(imp, imp->line, "unterminated quoted field");
	csv_free(&p);
	import_row_free(imp->cur);
	imp->cur = NULL;
}

/* Check one row; NULL when good, else the reason.  The address becomes
 * its canonical form. */
static const char *
import_check_row(struct import_row *r, char *buf, size_t len)
{
	char canon[STORE_EMAIL_MAX];
	enum store_role role;

	if (r->nfields < 3 || r->nfields > IMPORT_FIELDS) {
		snprintf(buf, len, "expected 3 to 5 fields "
		    "(email,account,pin[,role[,name]]), found %u", r->nfields);
		return buf;
	}
	if (!ctl_email_canonical(r->f[F_EMAIL], canon))
		return "invalid email address";
	g_free(r->f[F_EMAIL]);
	r->f[F_EMAIL] = g_strdup(canon);
	if (!ctl_account_valid(r->f[F_ACCOUNT]))
		return "invalid account name";
	if (!secret_pin_valid(r->f[F_PIN]))
		return "pin must be exactly 6 digits";
	if (ctl_role_parse(r->f[F_ROLE], &role) != 0)
		return "role must be admin or user";
	if (r->f[F_NAME] != NULL && !ctl_name_valid(r->f[F_NAME]))
		return "invalid name";
	return NULL;
}

/*
 * Every row valid, no address twice in the file.  Rows parsed before a
 * CSV syntax error are checked too, so the earliest bad line is named.
 */
static int
import_check(struct import *imp)
{
	GHashTable *seen;
	char buf[160];
	const char *why;
	unsigned i;

	seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (i = 0; i < imp->rows->len; i++) {
		struct import_row *r = g_ptr_array_index(imp->rows, i);
		char *key;
		void *prev;

		if ((why = import_check_row(r, buf, sizeof(buf))) != NULL) {
			import_fail(imp, r->line, why);
			break;
		}
		key = g_ascii_strdown(r->f[F_EMAIL], -1);
		prev = g_hash_table_lookup(seen, key);
		if (prev != NULL) {
			snprintf(buf, sizeof(buf), "duplicate email %s "
			    "(also on line %u)", r->f[F_EMAIL],
			    GPOINTER_TO_UINT(prev));
			import_fail(imp, r->line, buf);
			g_free(key);
			break;
		}
		g_hash_table_insert(seen, key, GUINT_TO_POINTER(r->line));
	}
	g_hash_table_destroy(seen);
	if (imp->bad_line == 0 && imp->rows->len == 0)
		import_fail(imp, 1, "no users in the file");
	if (imp->bad_line != 0) {
		ctl_err(imp->c, "%s:%u: %s", imp->file, imp->bad_line,
		    imp->bad);
		return CTL_EXIT_REFUSED;
	}
	return CTL_EXIT_OK;
}

/* The row's account id, creating the account when missing. */
static int
import_account(struct import *imp, const char *name, int64_t *id,
    unsigned *created)
{
	struct store_account a;
	int rc = ctl_account_lookup(imp->c, name, &a);

	if (rc == STORE_OK) {
		*id = a.id;
		return STORE_OK;
	}
	if (rc != STORE_NOTFOUND)
		return rc;
	rc = store_account_add(imp->c->st, name, imp->c->now, id);
	if (rc == STORE_OK) {
		(*created)++;
		rc = ctl_audit(imp->c, "account.add", "", "ok",
		    "account=%s (import)", name);
	}
	return rc;
}

static int
import_user(struct import *imp, const struct import_row *r,
    unsigned *created)
{
	struct ctl *c = imp->c;
	unsigned char salt[SECRET_SALT_BYTES], hash[SECRET_HASH_BYTES];
	struct store_user u;
	int64_t id;
	int rc;

	memset(&u, 0, sizeof(u));
	if ((rc = import_account(imp, r->f[F_ACCOUNT], &u.account_id,
	    created)) != STORE_OK)
		return rc;
	snprintf(u.email, sizeof(u.email), "%s", r->f[F_EMAIL]);
	snprintf(u.name, sizeof(u.name), "%s", r->f[F_NAME] ? r->f[F_NAME] :
	    "");
	(void)ctl_role_parse(r->f[F_ROLE], &u.role);
	if ((rc = store_user_add(c->st, &u, c->now, &id)) != STORE_OK)
		return rc;
	secret_salt_new(salt);
	if (secret_pin_hash(c->key, salt, r->f[F_PIN], hash) != 0)
		return STORE_ERROR;
	rc = store_user_set_pin(c->st, id, salt, hash, c->now);
	secret_wipe(hash, sizeof(hash));
	if (rc == STORE_OK)
		rc = ctl_audit(c, "user.add", u.email, "ok",
		    "import %s:%u account=%s role=%s pin set", imp->file,
		    r->line, r->f[F_ACCOUNT], ctl_role_name(u.role));
	return rc;
}

/* One transaction: all rows or none. */
static int
import_write(struct import *imp)
{
	struct ctl *c = imp->c;
	unsigned i, created = 0;
	int rc;

	if ((rc = store_begin(c->st)) != STORE_OK)
		return ctl_store_err(c, rc, "starting a transaction");
	for (i = 0; i < imp->rows->len; i++) {
		struct import_row *r = g_ptr_array_index(imp->rows, i);

		if ((rc = import_user(imp, r, &created)) == STORE_OK)
			continue;
		store_rollback(c->st);
		if (rc == STORE_EXISTS) {
			ctl_err(c, "%s:%u: user %s already exists", imp->file,
			    r->line, r->f[F_EMAIL]);
			return CTL_EXIT_REFUSED;
		}
		return ctl_store_err(c, rc, "%s:%u", imp->file, r->line);
	}
	rc = ctl_audit(c, "import", "", "ok", "%u users (%u accounts created)",
	    imp->rows->len, created);
	if (rc == STORE_OK)
		rc = store_commit(c->st);
	if (rc != STORE_OK) {
		store_rollback(c->st);
		return ctl_store_err(c, rc, "%s", imp->file);
	}
	printf("imported %u users (%u accounts created)\n", imp->rows->len,
	    created);
	return CTL_EXIT_OK;
}

/* Read the whole file (bounded); NULL + diagnostic on error. */
static char *
import_read(struct ctl *c, const char *file, size_t *len)
{
	struct stat sb;
	char *buf;
	size_t off = 0;
	ssize_t n;
	int fd;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0 ||
	    fstat(fd, &sb) != 0) {
		ctl_err(c, "%s: %s", file, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_size > IMPORT_MAX_FILE) {
		ctl_err(c, "%s: not a regular file of at most %d bytes", file,
		    IMPORT_MAX_FILE);
		close(fd);
		return NULL;
	}
	buf = g_malloc((size_t)sb.st_size + 1);
	while (off < (size_t)sb.st_size &&
	    ((n = read(fd, buf + off, (size_t)sb.st_size - off)) > 0 ||
	    (n < 0 && errno == EINTR)))
		if (n > 0)
			off += (size_t)n;
	if (off != (size_t)sb.st_size) {
		ctl_err(c, "%s: read error", file);
		secret_wipe(buf, (size_t)sb.st_size + 1);
		g_free(buf);
		close(fd);
		return NULL;
	}
	close(fd);
	buf[off] = '\0';
	*len = off;
	return buf;
}

int
ctl_import(struct ctl *c)
{
	struct import imp;
	char *buf;
	size_t len = 0;
	int r;

	if ((buf = import_read(c, c->args[0], &len)) == NULL)
		return CTL_EXIT_USAGE;
	memset(&imp, 0, sizeof(imp));
	imp.c = c;
	imp.file = c->args[0];
	imp.rows = g_ptr_array_new_with_free_func(import_row_free);
	import_parse(&imp, buf, len);
	secret_wipe(buf, len);
	g_free(buf);
	r = import_check(&imp);
	if (r == CTL_EXIT_OK)
		r = import_write(&imp);
	g_ptr_array_free(imp.rows, TRUE);
	return r;
}
