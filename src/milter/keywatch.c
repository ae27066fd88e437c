/*
 * keywatch.c - is the key file still the key the daemon runs with
 * (keywatch.h)?
 *
 * Once a second at most, stat(2) the KeyFile; when anything of it changed
 * (device, inode, size, mode, modification time) since it was last found
 * good (first: when the key was loaded at start), load it again (core/secret: regular file, 32 bytes,
 * not readable by group or others) and compare it, in constant time,
 * with the key loaded at start.  The result is kept for the second.
 *
 * Started as root with a key only root may read, an unchanged file is
 * never read again; a changed one cannot be read back by the final user
 * and is refused until a restart.
 *
 * Security notes: a key file that is missing, refused or different is
 * never used: the daemon keeps verifying with the key the database's
 * fingerprint matched at start only while the file still holds it, and
 * otherwise verifies nothing (OnInternalError).  The key read again is
 * wiped (sodium_free) at once.
 *
 * Diagnostics: WHY is one line ("key file /x: No such file or
 * directory", "key file /x holds another key"); the caller logs it once
 * a minute (util/logfault.h).
 */
#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "core/secret.h"
#include "milter/keywatch.h"

static struct {
	pthread_mutex_t mu;
	char *path;
	const struct secret_key *key;
	bool have_good;		/* good: the stat of the file found good */
	struct stat good;
	int result;
	char why[512];
} kw = { .mu = PTHREAD_MUTEX_INITIALIZER };

void
keywatch_init(const char *path, const struct secret_key *key)
{
	(void)pthread_mutex_lock(&kw.mu);
	g_free(kw.path);
	kw.path = path != NULL ? g_strdup(path) : NULL;
	kw.key = key;
	/* the file as it was when KEY was read from it (as root, maybe:
	 * unchanged, it need not be read again by the final user) */
	kw.have_good = path != NULL && stat(path, &kw.good) == 0;
	kw.result = 0;
	kw.why[0] = '\0';
	(void)pthread_mutex_unlock(&kw.mu);
}

/* Nothing that matters changed between A and B. */
static bool
keywatch_same(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	    a->st_size == b->st_size && a->st_mode == b->st_mode &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* Look at the file now; kw.mu held.  Sets kw.result and kw.why. */
static void
keywatch_look(void)
{
	struct secret_key *now;
	struct stat sb;
	char err[400];

	if (stat(kw.path, &sb) == -1) {
		(void)snprintf(kw.why, sizeof(kw.why), "key file %s: %s",
		    kw.path, strerror(errno));
		kw.result = -1;
		return;
	}
	if (kw.have_good && keywatch_same(&sb, &kw.good)) {
		kw.result = 0;
		return;
	}
	if ((now = secret_key_load(kw.path, err, sizeof(err))) == NULL) {
		(void)snprintf(kw.why, sizeof(kw.why), "%s", err);
		kw.result = -1;
		return;
	}
	if (!secret_key_equal(now, kw.key)) {
		(void)snprintf(kw.why, sizeof(kw.why), "key file %s holds "
		    "another key than the one this database was made with",
		    kw.path);
		kw.result = -1;
	} else {
		kw.good = sb;
		kw.have_good = true;
		kw.result = 0;
	}
	secret_key_free(now);
}

int
keywatch_check(time_t now, char *why, size_t whylen)
{
	int rc;

	(void)pthread_mutex_lock(&kw.mu);
	if (kw.path == NULL || kw.key == NULL)
		rc = 0;
	else {
		(void)now;	/* one stat(2) a message: a change counts at once */
		keywatch_look();
		rc = kw.result;
		if (rc != 0 && why != NULL)
			(void)snprintf(why, whylen, "%s", kw.why);
	}
	(void)pthread_mutex_unlock(&kw.mu);
	return rc;
}
