/*
 * ctl_init.c - "pinctl init": create the key file and the database.
 *
 * The database is created or migrated first.  The key file is created
 * with secret_key_create() (O_EXCL, mode 0600) only when it is missing
 * and the database holds no key fingerprint yet; an existing key file
 * is never touched: it is kept, loaded and checked like any other
 * (permissions, size).  The key's fingerprint is stored in the database
 * (store_key_record) the first time; later runs compare it
 * (store_key_check), so init with the wrong key file fails instead of
 * silently making every PIN wrong.
 *
 * Running init again is harmless: it keeps the key, migrates the
 * schema, and exits 0.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl/ctl.h"

/*
 * Create the key file unless it exists.  A missing key file with a
 * database that already holds a fingerprint is refused: a new key would
 * make every stored PIN useless; the old key file must be restored.
 */
static int
ctl_init_key(struct ctl *c)
{
	enum store_key_status ks;
	char err[512];
	struct stat sb;

	if (lstat(c->cfg->key_file, &sb) == 0) {
		printf("key file %s exists, kept\n", c->cfg->key_file);
		return ctl_open_key(c);
	}
	if (errno != ENOENT) {
		ctl_err(c, "key file %s: %s", c->cfg->key_file,
		    strerror(errno));
		return CTL_EXIT_USAGE;
	}
	/* no key at all: MISMATCH when a fingerprint is stored */
	if ((ks = store_key_check(c->st, NULL)) == STORE_KEY_MISMATCH) {
		ctl_err(c, "key file %s is missing but the database %s was "
		    "initialised with a key: restore the key file",
		    c->cfg->key_file, c->cfg->database);
		return CTL_EXIT_USAGE;
	}
	if (ks != STORE_KEY_NONE)
		return ctl_store_err(c, STORE_ERROR,
		    "reading the key fingerprint");
	if (secret_key_create(c->cfg->key_file, err, sizeof(err)) != 0) {
		ctl_err(c, "%s", err);	/* names the key file */
		return CTL_EXIT_USAGE;
	}
	printf("key file %s created\n", c->cfg->key_file);
	return ctl_open_key(c);
}

/* Store the fingerprint, or check it against the one stored. */
static int
ctl_init_fingerprint(struct ctl *c)
{
	int rc;

	if ((rc = store_begin(c->st)) != STORE_OK)
		return ctl_store_err(c, rc, "starting a transaction");
	switch (store_key_check(c->st, c->key)) {
	case STORE_KEY_OK:
		break;
	case STORE_KEY_NONE:
		rc = store_key_record(c->st, c->key);
		if (rc == STORE_OK)
			rc = ctl_audit(c, "init", "", "ok",
			    "database and key fingerprint created");
		break;
	case STORE_KEY_MISMATCH:
		store_rollback(c->st);
		ctl_err(c, "key file %s does not match the database %s",
		    c->cfg->key_file, c->cfg->database);
		return CTL_EXIT_USAGE;
	default:
		rc = STORE_ERROR;
	}
	if (rc == STORE_OK)
		rc = store_commit(c->st);
	if (rc != STORE_OK) {
		store_rollback(c->st);
		return ctl_store_err(c, rc, "storing the key fingerprint");
	}
	return CTL_EXIT_OK;
}

int
ctl_init(struct ctl *c)
{
	int r, version = 0;

	if ((r = ctl_open_store(c, STORE_OPEN_CREATE)) != CTL_EXIT_OK)
		return r;
	if ((r = ctl_init_key(c)) != CTL_EXIT_OK)
		return r;
	if ((r = ctl_init_fingerprint(c)) != CTL_EXIT_OK)
		return r;
	if ((r = store_schema_version(c->st, &version)) != STORE_OK)
		return ctl_store_err(c, r, "reading the schema version");
	printf("database %s ready (schema %d)\n", c->cfg->database, version);
	return CTL_EXIT_OK;
}
