/*
 * testutil.h - fixtures shared by the unit tests: a private temporary
 * directory and paths in it, files written and read back, SQLite opened
 * directly (to see or change what the store really holds), a key, a
 * configuration and a store made in the directory.
 *
 * A helper that sets something up prints "Bail out! ..." and exits when
 * it cannot, so no test runs on a half-made fixture.  The TAP checks
 * themselves stay in tap.h.
 */
#ifndef PM_TESTUTIL_H
#define PM_TESTUTIL_H

#include <sys/types.h>

#include <stddef.h>

struct pm_config;
struct secret_key;
struct store;

/* The private directory, made by tdir_make(). */
extern char tdir[];

/* Make $TMPDIR/NAME.XXXXXX (/tmp without TMPDIR) and keep it in tdir. */
void	tdir_make(const char *name);

/*
 * "tdir/NAME"; tpathf() formats the part after "tdir/".  The result is
 * static: one of 8 buffers used in turn.
 */
const char	*tpath(const char *name);
const char	*tpathf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Remove DIR and everything below it; says so on a "#" line if it cannot. */
void	rmtree(const char *dir);

/* Write LEN bytes of DATA to PATH (truncated) and give it exactly MODE. */
void	write_file(const char *path, const void *data, size_t len, mode_t mode);

/* The contents of PATH (malloc'd, NUL-terminated; length in *LENP), or NULL. */
char	*slurp(const char *path, size_t *lenp);

/* Does the file PATH hold the LEN bytes of NEEDLE?  Reads the first MiB. */
int	file_contains(const char *path, const void *needle, size_t len);

/* Run SQL on the database PATH (created if missing) on a private connection; 0 ok. */
int	raw_exec(const char *path, const char *sql);

/* The first column of the first row of SQL, as text: "(null)", or "(none)". */
const char	*raw_query(const char *path, const char *sql);

/* Create the key file tdir/NAME and load it. */
struct secret_key	*make_key(const char *name);

/* Write TEXT to tdir/NAME and load it as the configuration. */
struct pm_config	*make_config(const char *name, const char *text);

/* Open tdir/NAME, creating it, with a 1 s busy timeout; or, when
 * PINMILTER_TEST_DATABASE is set, that PostgreSQL database with its
 * schema "public" emptied first (tests/store/pg.sh). */
struct store	*make_store(const char *name);

#endif
