/*
 * ctl_import.c - "pinctl import FILE.csv": users with their PINs, in bulk.
 *
 * Columns: email,account,pin[,role[,name]] (RFC 4180; ctl_csv.c parses
 * and checks the rows).  Accounts that do not exist are created.  The whole file is checked first, then written
 * in one transaction: any bad line ("FILE:LINE: reason", exit 1) or
 * store error imports nothing.
 *
 * Security: the file holds PINs in clear.  It is read with read(2) into
 * one buffer, wiped once parsed; ctl_csv.c wipes its own copies.  PINs
 * never reach a diagnostic or the audit.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "ctl/ctl.h"
#include "ctl/ctl_csv.h"

#define IMPORT_MAX_FILE		(16 * 1024 * 1024)

struct import {
	struct ctl *c;
	const char *file;
	struct ctl_csv csv;		/* the parsed rows (ctl_csv.h) */
};

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
	for (i = 0; i < imp->csv.rows->len; i++) {
		struct ctl_csv_row *r = g_ptr_array_index(imp->csv.rows, i);
		char *key;
		void *prev;

		if ((why = ctl_csv_check_row(r, buf, sizeof(buf))) != NULL) {
			ctl_csv_fail(&imp->csv, r->line, why);
			break;
		}
		key = g_ascii_strdown(r->f[CTL_CSV_EMAIL], -1);
		prev = g_hash_table_lookup(seen, key);
		if (prev != NULL) {
			snprintf(buf, sizeof(buf), "duplicate email %s "
			    "(also on line %u)", r->f[CTL_CSV_EMAIL],
			    GPOINTER_TO_UINT(prev));
			ctl_csv_fail(&imp->csv, r->line, buf);
			g_free(key);
			break;
		}
		g_hash_table_insert(seen, key, GUINT_TO_POINTER(r->line));
	}
	g_hash_table_destroy(seen);
	if (imp->csv.bad_line == 0 && imp->csv.rows->len == 0)
		ctl_csv_fail(&imp->csv, 1, "no users in the file");
	if (imp->csv.bad_line != 0) {
		ctl_err(imp->c, "%s:%u: %s", imp->file, imp->csv.bad_line,
		    imp->csv.bad);
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
import_user(struct import *imp, const struct ctl_csv_row *r,
    unsigned *created)
{
	struct ctl *c = imp->c;
	unsigned char salt[SECRET_SALT_BYTES], hash[SECRET_HASH_BYTES];
	struct store_user u;
	int64_t id;
	int rc;

	memset(&u, 0, sizeof(u));
	if ((rc = import_account(imp, r->f[CTL_CSV_ACCOUNT], &u.account_id,
	    created)) != STORE_OK)
		return rc;
	snprintf(u.email, sizeof(u.email), "%s", r->f[CTL_CSV_EMAIL]);
	snprintf(u.name, sizeof(u.name), "%s", r->f[CTL_CSV_NAME] ? r->f[CTL_CSV_NAME] :
	    "");
	(void)ctl_role_parse(r->f[CTL_CSV_ROLE], &u.role);
	if ((rc = store_user_add(c->st, &u, c->now, &id)) != STORE_OK)
		return rc;
	secret_salt_new(salt);
	if (secret_pin_hash(c->key, salt, r->f[CTL_CSV_PIN], hash) != 0)
		return STORE_ERROR;
	rc = store_user_set_pin(c->st, id, salt, hash, c->now);
	secret_wipe(hash, sizeof(hash));
	if (rc == STORE_OK)
		rc = ctl_audit(c, "user.add", u.email, "ok",
		    "import %s:%u account=%s role=%s pin set", imp->file,
		    r->line, r->f[CTL_CSV_ACCOUNT], ctl_role_name(u.role));
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
	for (i = 0; i < imp->csv.rows->len; i++) {
		struct ctl_csv_row *r = g_ptr_array_index(imp->csv.rows, i);

		if ((rc = import_user(imp, r, &created)) == STORE_OK)
			continue;
		store_rollback(c->st);
		if (rc == STORE_EXISTS) {
			ctl_err(c, "%s:%u: user %s already exists", imp->file,
			    r->line, r->f[CTL_CSV_EMAIL]);
			return CTL_EXIT_REFUSED;
		}
		return ctl_store_err(c, rc, "%s:%u", imp->file, r->line);
	}
	rc = ctl_audit(c, "import", "", "ok", "%u users (%u accounts created)",
	    imp->csv.rows->len, created);
	if (rc == STORE_OK)
		rc = store_commit(c->st);
	if (rc != STORE_OK) {
		store_rollback(c->st);
		return ctl_store_err(c, rc, "%s", imp->file);
	}
	printf("imported %u users (%u accounts created)\n", imp->csv.rows->len,
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
	ctl_csv_init(&imp.csv);
	ctl_csv_parse(&imp.csv, buf, len);
	secret_wipe(buf, len);
	g_free(buf);
	r = import_check(&imp);
	if (r == CTL_EXIT_OK)
		r = import_write(&imp);
	ctl_csv_clear(&imp.csv);
	return r;
}
