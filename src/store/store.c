/*
 * store.c - the store's connection: open (backend, settings, migration),
 * close, transactions, diagnostics, and the input checks every entity
 * file makes before any SQL runs.
 *
 * store_open() picks the backend for the Database value (backend.h),
 * lets it connect and configure the connection, then migrates the schema
 * (migrate.c).  A read-only connection refuses store_begin() at once
 * rather than failing at its first write; a file that cannot be written
 * is opened read-only even when writes were asked for.  store_stale()
 * tells a long-lived connection that its file was deleted, replaced or
 * changed writability (the caller opens it again).
 *
 * Security: strings are checked before any SQL runs: too long, control
 * characters or (for addresses) no '@' is STORE_INVALID, so nothing
 * malformed reaches the database and no stored value needs cleaning when
 * it is read back.
 *
 * Diagnostics: one line per failure, kept for store_errmsg(); a failed
 * open copies it into the caller's buffer ("database /x does not exist
 * (run pinctl init)").  store_rollback() keeps the message of the failure
 * that led to it.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/address.h"
#include "store/stmt.h"
#include "util/text.h"

/* ---- diagnostics ---- */

int
store_seterr(struct store *st, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(st->err, sizeof(st->err), fmt, ap);
	va_end(ap);
	return rc;
}

int
store_invalid(struct store *st, const char *what)
{
	return store_seterr(st, STORE_INVALID, "invalid %s", what);
}

const char *
store_errmsg(const struct store *st)
{
	if (st == NULL)
		return "no database";
	return st->err;
}

const char *
store_rc_name(int rc)
{
	static const char *const names[] = {
		[STORE_OK] = "ok", [STORE_NOTFOUND] = "notfound",
		[STORE_EXISTS] = "exists", [STORE_CONSTRAINT] = "constraint",
		[STORE_INVALID] = "invalid", [STORE_BUSY] = "busy",
		[STORE_READONLY] = "readonly", [STORE_TOONEW] = "toonew",
		[STORE_ERROR] = "error",
	};

	if (rc < 0 || (size_t)rc >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[rc];
}

/* ---- input checks ---- */

bool
store_str_ok(const char *s, size_t max, bool empty_ok)
{
	size_t n;

	if (s == NULL)
		return false;
	n = strnlen(s, max);
	if (n >= max || (n == 0 && !empty_ok))
		return false;
	return text_is_clean(s);
}

bool
store_email_ok(const char *s)
{
	/* The one address rule (util/address), plus the store's own bound. */
	return store_str_ok(s, STORE_EMAIL_MAX, false) && address_valid(s);
}

/* ---- open, close ---- */

const struct store_backend *
store_backend_for(const char *target)
{
	if (g_str_has_prefix(target, "postgresql://") ||
	    g_str_has_prefix(target, "postgres://"))
		return &store_backend_pgsql;
	return &store_backend_sqlite;
}

/* The file just opened (its device and inode), for store_stale(). */
static void
store_remember_file(struct store *st)
{
	struct stat sb;

	st->have_id = stat(st->path, &sb) == 0;
	if (st->have_id) {
		st->dev = sb.st_dev;
		st->ino = sb.st_ino;
	}
}

bool
store_stale(const struct store *st, char *why, size_t whylen)
{
	struct stat sb;
	bool writable;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (st == NULL || !st->have_id)
		return false;
	if (stat(st->path, &sb) == -1) {
		if (why != NULL)
			(void)snprintf(why, whylen, "database %s: %s (deleted "
			    "or moved)", st->path, g_strerror(errno));
		return true;
	}
	if (sb.st_dev != st->dev || sb.st_ino != st->ino) {
		if (why != NULL)
			(void)snprintf(why, whylen, "database %s was replaced "
			    "by another file", st->path);
		return true;
	}
	if (!st->want_rw)
		return false;
	writable = access(st->path, W_OK) == 0;
	if (writable == !st->readonly)
		return false;
	if (why != NULL && writable)
		(void)snprintf(why, whylen, "database %s is writable again",
		    st->path);
	else if (why != NULL)
		(void)snprintf(why, whylen, "database %s is no longer "
		    "writable: %s", st->path, g_strerror(errno));
	return true;
}

char *
store_redact(const char *target)
{
	GString *out;
	const char *p = strstr(target, "://"), *at, *colon, *q;
	size_t n;

	if (p == NULL)
		return g_strdup(target);
	p += 3;
	out = g_string_new_len(target, p - target);
	n = strcspn(p, "/?#");
	at = memchr(p, '@', n);
	colon = at != NULL ? memchr(p, ':', (size_t)(at - p)) : NULL;
	if (colon != NULL) {
		g_string_append_len(out, p, colon - p);
		g_string_append(out, ":***");
		p = at;
	}
	while ((q = strstr(p, "password=")) != NULL) {
		g_string_append_len(out, p, q - p);
		if (q > target && (q[-1] == '?' || q[-1] == '&')) {
			g_string_append(out, "password=***");
			p = q + strlen("password=");
			p += strcspn(p, "&#");
		} else {
			g_string_append(out, "password=");
			p = q + strlen("password=");
		}
	}
	g_string_append(out, p);
	return g_string_free(out, FALSE);
}

int
store_open(const char *path, unsigned busy_ms, int flags, struct store **out,
    char *err, size_t errlen)
{
	struct store *st;
	int rc;

	*out = NULL;
	if (path == NULL || *path == '\0') {
		(void)snprintf(err, errlen, "no database file given");
		return STORE_INVALID;
	}
	st = g_new0(struct store, 1);
	st->be = store_backend_for(path);
	st->target = g_strdup(path);
	st->path = store_redact(path);
	st->busy_ms = busy_ms;
	stmt_cache_new(st);
	st->want_rw = !(flags & STORE_OPEN_READONLY);
	/* a file that cannot be written (mode, immutable flag, read-only
	 * mount) is opened read-only: writes are refused at store_begin
	 * with a clear message, even where SQLite would reuse a descriptor
	 * it opened for writing before; store_stale() says when it can be
	 * written again */
	if (st->want_rw && !(flags & STORE_OPEN_CREATE) &&
	    access(path, W_OK) == -1 && errno != ENOENT)
		flags |= STORE_OPEN_READONLY;
	if ((rc = st->be->open(st, flags)) == STORE_OK &&
	    (rc = store_migrate(st)) == STORE_OK) {
		store_remember_file(st);
		*out = st;
		return STORE_OK;
	}
	(void)snprintf(err, errlen, "%s", st->err);
	store_close(st);
	return rc;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	stmt_cache_free(st);		/* before the connection goes */
	st->be->close(st);
	g_free(st->path);
	g_free(st->target);
	g_free(st);
}

/* ---- transactions ---- */

bool
store_in_transaction(struct store *st)
{
	return st != NULL && st->be->in_transaction(st);
}

int
store_begin(struct store *st)
{
	if (st->readonly)
		return store_seterr(st, STORE_READONLY, "database %s is "
		    "read-only: attempt to write a readonly database",
		    st->path);
	return st->be->begin(st);
}

int
store_commit(struct store *st)
{
	return st->be->commit(st);
}

void
store_rollback(struct store *st)
{
	char keep[STORE_ERR_MAX];

	if (st == NULL || !st->be->in_transaction(st))
		return;
	memcpy(keep, st->err, sizeof(keep));
	st->be->rollback(st);
	memcpy(st->err, keep, sizeof(keep));
}

int
store_schema_version(struct store *st, int *version)
{
	return st->be->version_get(st, version);
}
