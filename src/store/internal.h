/*
 * internal.h - what the files of store/ share and nothing outside sees:
 * the connection, its diagnostics, the input checks made before any SQL
 * runs, and the migration entry point.
 */
#ifndef PM_STORE_INTERNAL_H
#define PM_STORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <glib.h>

#include "store/backend.h"
#include "store/store.h"

#define STORE_ERR_MAX		512

struct store {
	const struct store_backend *be;
	struct db_conn *conn;		/* the backend's connection */
	GHashTable *cache;		/* store_query -> prepared db_stmt */
	char *target;			/* the Database value, to connect */
	char *path;			/* the same without a password, for
					 * messages (store_redact) */
	unsigned busy_ms;
	bool readonly;			/* never writes: begin is refused */
	bool want_rw;			/* opened without STORE_OPEN_READONLY */
	bool have_id;			/* dev, ino: the file opened */
	dev_t dev;
	ino_t ino;
	char err[STORE_ERR_MAX];	/* store_errmsg() */
};

/* Keep the one-line message of a failure; returns RC. */
int store_seterr(struct store *st, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* STORE_INVALID, "invalid WHAT". */
int store_invalid(struct store *st, const char *what);

/* Non-NULL, shorter than MAX bytes, no control character; "" only if
 * EMPTY_OK. */
bool store_str_ok(const char *s, size_t max, bool empty_ok);
/*
 * An address as the store accepts it: store_str_ok within STORE_EMAIL_MAX,
 * no space, a non-empty part before and after the last '@'.  A coarse
 * check only: the programs validate addresses before they get here.
 */
bool store_email_ok(const char *s);

/* TARGET with any password in it replaced by "***" (a URI's
 * user:password@, a password= parameter); a file name as it is. */
char *store_redact(const char *target);

/* Bring the schema to STORE_SCHEMA_VERSION (migrate.c). */
int store_migrate(struct store *st);

#endif
