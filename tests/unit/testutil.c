/*
 * testutil.c - the unit tests' shared fixtures (see testutil.h).
 *
 * Test code only: paths are bounded by their buffers (a longer one is
 * cut, and the test then fails on the file it cannot find); every set-up
 * failure ends the program with a TAP "Bail out!" line naming the file
 * and the reason.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "core/config.h"
#include "core/secret.h"
#include "store/store.h"
#include "testutil.h"

char tdir[256];

static void __attribute__((format(printf, 1, 2), noreturn))
bail_out(const char *fmt, ...)
{
	va_list ap;

	printf("Bail out! ");
	va_start(ap, fmt);
	(void)vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(1);
}

void
tdir_make(const char *name)
{
	const char *t = getenv("TMPDIR");

	(void)snprintf(tdir, sizeof(tdir), "%s/%s.XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp", name);
	if (mkdtemp(tdir) == NULL)
		bail_out("mkdtemp %s: %s", tdir, strerror(errno));
}

const char *
tpathf(const char *fmt, ...)
{
	static char buf[8][1024];
	static int i;
	char rel[512];
	va_list ap;

	i = (i + 1) % 8;
	va_start(ap, fmt);
	(void)vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	(void)snprintf(buf[i], sizeof(buf[i]), "%s/%s", tdir, rel);
	return buf[i];
}

const char *
tpath(const char *name)
{
	return tpathf("%s", name);
}

void
rmtree(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	struct stat sb;
	char p[1024];

	if (dp == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		(void)snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
			rmtree(p);
		else
			(void)unlink(p);
	}
	(void)closedir(dp);
	if (rmdir(dir) == -1)
		printf("# cannot remove %s: %s\n", dir, strerror(errno));
}

void
write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	if (fd < 0 || fchmod(fd, mode) != 0 ||
	    write(fd, data, len) != (ssize_t)len || close(fd) != 0)
		bail_out("cannot write %s: %s", path, strerror(errno));
}

char *
slurp(const char *path, size_t *lenp)
{
	FILE *fp = fopen(path, "re");
	char *buf = NULL, *nbuf;
	size_t len = 0, cap = 0, n;

	if (fp == NULL)
		return NULL;
	do {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			if ((nbuf = realloc(buf, cap + 1)) == NULL)
				bail_out("out of memory reading %s", path);
			buf = nbuf;
		}
		n = fread(buf + len, 1, cap - len, fp);
		len += n;
	} while (n > 0);
	(void)fclose(fp);
	buf[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return buf;
}

int
file_contains(const char *path, const void *needle, size_t len)
{
	static unsigned char buf[1 << 20];
	FILE *fp = fopen(path, "rb");
	size_t n, i;

	if (fp == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf), fp);
	(void)fclose(fp);
	for (i = 0; i + len <= n; i++)
		if (memcmp(buf + i, needle, len) == 0)
			return 1;
	return 0;
}

int
raw_exec(const char *path, const char *sql)
{
	sqlite3 *db;
	int rc;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return -1;
	}
	(void)sqlite3_busy_timeout(db, 5000);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

const char *
raw_query(const char *path, const char *sql)
{
	static char out[1024];
	sqlite3 *db;
	sqlite3_stmt *s = NULL;

	(void)snprintf(out, sizeof(out), "(none)");
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ==
	    SQLITE_OK && sqlite3_prepare_v2(db, sql, -1, &s, NULL) ==
	    SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		(void)snprintf(out, sizeof(out), "%s",
		    sqlite3_column_type(s, 0) == SQLITE_NULL ? "(null)" :
		    (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(db);
	return out;
}

struct secret_key *
make_key(const char *name)
{
	struct secret_key *k;
	char err[512];

	if (secret_init() != 0)
		bail_out("libsodium");
	if (secret_key_create(tpath(name), err, sizeof(err)) != 0 ||
	    (k = secret_key_load(tpath(name), err, sizeof(err))) == NULL)
		bail_out("key %s: %s", name, err);
	return k;
}

struct pm_config *
make_config(const char *name, const char *text)
{
	struct pm_config *cfg;
	char err[1024];

	write_file(tpath(name), text, strlen(text), 0644);
	if ((cfg = config_load(tpath(name), err, sizeof(err))) == NULL)
		bail_out("config %s: %s", name, err);
	return cfg;
}

/* The PostgreSQL database of PINMILTER_TEST_DATABASE, emptied. */
static const char *
pg_test_database(void)
{
	const char *uri = getenv("PINMILTER_TEST_DATABASE");
	PGconn *c;
	PGresult *r;

	if (uri == NULL || *uri == '\0')
		return NULL;
	c = PQconnectdb(uri);
	if (PQstatus(c) != CONNECTION_OK)
		bail_out("PINMILTER_TEST_DATABASE: %s", PQerrorMessage(c));
	r = PQexec(c, "SET client_min_messages = warning; "
	    "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		bail_out("PINMILTER_TEST_DATABASE: %s",
		    PQresultErrorMessage(r));
	PQclear(r);
	PQfinish(c);
	return uri;
}

struct store *
make_store(const char *name)
{
	struct store *st = NULL;
	const char *db = pg_test_database();
	char err[512];

	if (store_open(db != NULL ? db : tpath(name), 1000, STORE_OPEN_CREATE,
	    &st, err, sizeof(err)) != STORE_OK)
		bail_out("store %s: %s", name, err);
	return st;
}
