/*
 * ctl_db.c - "pinctl db copy --from DATABASE [--to DATABASE]": copy an
 * installation's database (accounts, users with their PIN hashes and
 * counters, cases and their messages, the audit, the outbox, the
 * decisions, the key fingerprint) into a new, empty one; --to defaults
 * to the configured Database.  The usual move: an SQLite file to the
 * PostgreSQL server several gateways share.
 *
 * Both are opened as pinctl opens the Database (migrated to this
 * schema); the destination is created as pinctl init would, and must
 * hold no row yet (store_copy).  The copy is one transaction of the
 * destination, then recorded in its audit ("db.copy").  The source is
 * only read.
 *
 * Security: the values are checked as the Database key is (a URI with a
 * password is refused unshown); no secret is opened: hashes and sealed
 * notices are copied as bytes, so the same KeyFile serves both.
 *
 * Diagnostics: "copied N rows (accounts A, users U, ...)" on stdout;
 * "--from: ...", "--to: ...", or the store's message on failure.
 */
#include <stdio.h>
#include <string.h>

#include "core/config_keys.h"
#include "ctl/ctl.h"

/* Open DB (named by OPT for messages) into *ST. */
static int
ctl_db_open(struct ctl *c, const char *opt, const char *db, int flags,
    struct store **st)
{
	struct cfg_why why;
	char err[512];

	if (cfg_check_database(db, &why) == -1) {
		ctl_err(c, "%s: %s", opt, why.text);
		return CTL_EXIT_USAGE;
	}
	if (store_open(db, c->cfg->database_timeout * 1000U, flags, st, err,
	    sizeof(err)) != STORE_OK) {
		ctl_err(c, "%s: %s", opt, err);
		return CTL_EXIT_USAGE;
	}
	return CTL_EXIT_OK;
}

static void
ctl_db_report(const struct store_copy_counts *n)
{
	unsigned long total = 0;
	size_t i;

	for (i = 0; i < STORE_COPY_TABLES; i++)
		total += n->rows[i];
	printf("copied %lu rows (", total);
	for (i = 0; i < STORE_COPY_TABLES; i++)
		printf("%s%s %lu", i ? ", " : "", n->tables[i], n->rows[i]);
	printf(")\n");
}

int
ctl_db_copy(struct ctl *c)
{
	struct store_copy_counts n;
	struct store *from = NULL;
	const char *to = c->to != NULL ? c->to : c->cfg->database;
	int r, rc;

	if (c->from == NULL) {
		ctl_err(c, "--from DATABASE is needed");
		return CTL_EXIT_USAGE;
	}
	if (strcmp(c->from, to) == 0) {
		ctl_err(c, "--from and --to name the same database");
		return CTL_EXIT_USAGE;
	}
	if ((r = ctl_db_open(c, "--from", c->from, STORE_OPEN_READONLY,
	    &from)) != CTL_EXIT_OK)
		return r;
	if ((r = ctl_db_open(c, "--to", to, STORE_OPEN_CREATE, &c->st)) !=
	    CTL_EXIT_OK) {
		store_close(from);
		return r;
	}
	rc = store_copy(from, c->st, &n);
	store_close(from);
	if (rc != STORE_OK)
		return ctl_store_err(c, rc, "copying");
	/* no password in c->from: ctl_db_open refused any */
	if ((rc = ctl_audit(c, "db.copy", "", "ok", "from=%s cases=%lu "
	    "audit=%lu", c->from, n.rows[3], n.rows[5])) != STORE_OK)
		return ctl_store_err(c, rc, "recording the copy in the audit");
	ctl_db_report(&n);
	return CTL_EXIT_OK;
}
