/*
 * check.c - "pinmilter -n": check configuration, key, database, socket,
 * user, mailer and templates before the daemon is (re)started.
 *
 * Security notes: the database is opened read-only (no migration, no
 * WAL switch), so a check never changes anything; the key is loaded with
 * the same permission rules as at start (group/other access refused) and
 * wiped when freed.  Only the key's fingerprint is compared, never shown.
 *
 * Diagnostics: one line per problem on the output stream, each naming
 * the configuration key and the file concerned; warnings (TemplateDir
 * missing, schema to migrate) are marked and do not fail the check.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "milter/check.h"
#include "milter/daemon.h"
#include "notice/notice.h"
#include "util/log.h"

struct check {
	FILE *out;
	int problems;
};

static void __attribute__((format(printf, 2, 3)))
check_problem(struct check *c, const char *fmt, ...)
{
	va_list ap;

	fputs("pinmilter: ", c->out);
	va_start(ap, fmt);
	vfprintf(c->out, fmt, ap);
	va_end(ap);
	fputc('\n', c->out);
	c->problems++;
}

static void __attribute__((format(printf, 2, 3)))
check_warning(struct check *c, const char *fmt, ...)
{
	va_list ap;

	fputs("pinmilter: warning: ", c->out);
	va_start(ap, fmt);
	vfprintf(c->out, fmt, ap);
	va_end(ap);
	fputc('\n', c->out);
}

int
check_key_matches(struct store *st, const struct secret_key *key,
    const char *key_file, char *err, size_t errlen)
{
	switch (store_key_check(st, key)) {
	case STORE_KEY_OK:
		return 0;
	case STORE_KEY_NONE:
		snprintf(err, errlen, "the database has no key fingerprint "
		    "(not made by pinctl init?)");
		return -1;
	case STORE_KEY_MISMATCH:
		snprintf(err, errlen, "key file %s does not belong to this "
		    "database (fingerprint mismatch)", key_file);
		return -1;
	default:
		snprintf(err, errlen, "key fingerprint: %s", store_errmsg(st));
		return -1;
	}
}

/* The directory part of PATH into dir; "." when there is none. */
static void
check_dirname(const char *path, char *dir, size_t dirlen)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (slash == path)
		n = 1;
	if (slash == NULL || n >= dirlen)
		n = 0;
	if (n == 0) {
		snprintf(dir, dirlen, "%s", slash == path ? "/" : ".");
		return;
	}
	memcpy(dir, path, n);
	dir[n] = '\0';
}

static void
check_directory_of(struct check *c, const char *key, const char *path)
{
	char dir[PATH_MAX];
	struct stat sb;

	check_dirname(path, dir, sizeof(dir));
	if (stat(dir, &sb) == -1)
		check_problem(c, "%s %s: directory %s: %s", key, path, dir,
		    strerror(errno));
	else if (!S_ISDIR(sb.st_mode))
		check_problem(c, "%s %s: %s is not a directory", key, path,
		    dir);
}

static void
check_database(struct check *c, const struct pm_config *cfg,
    const struct secret_key *key)
{
	char err[512];
	struct store *st;
	int rc;

	rc = store_open(cfg->database, cfg->database_timeout * 1000U,
	    STORE_OPEN_READONLY, &st, err, sizeof(err));
	if (rc == STORE_READONLY) {
		/* read-only open of an older schema: the daemon migrates it */
		check_warning(c, "Database %s needs migration, done when "
		    "pinmilter starts: %s", cfg->database, err);
		return;
	}
	if (rc != STORE_OK) {
		check_problem(c, "Database %s: %s", cfg->database, err);
		return;
	}
	if (key != NULL && check_key_matches(st, key, cfg->key_file, err,
	    sizeof(err)) == -1)
		check_problem(c, "KeyFile %s: %s", cfg->key_file, err);
	store_close(st);
}

static void
check_socket(struct check *c, const struct pm_config *cfg)
{
	const char *path = daemon_socket_path(cfg->socket);
	struct stat sb;

	if (path == NULL)
		return;		/* inet: syntax checked by config_load */
	check_directory_of(c, "Socket", path);
	if (lstat(path, &sb) == 0 && !S_ISSOCK(sb.st_mode))
		check_problem(c, "Socket %s: exists and is not a socket",
		    path);
}

static void
check_user(struct check *c, const struct pm_config *cfg)
{
	struct daemon_user u;
	char err[256];

	if (cfg->user_id == NULL)
		return;
	if (daemon_user_lookup(cfg->user_id, &u, err, sizeof(err)) == -1)
		check_problem(c, "%s", err);
}

/* Where the daemon will log: LogFile must be writable; syslog must have
 * a socket to write to, or every line is lost. */
static void
check_logging(struct check *c, const struct pm_config *cfg)
{
	struct stat sb;

	if (cfg->log_file != NULL) {
		check_directory_of(c, "LogFile", cfg->log_file);
		if (lstat(cfg->log_file, &sb) == 0 && !S_ISREG(sb.st_mode))
			check_problem(c, "LogFile %s: not a regular file",
			    cfg->log_file);
		return;
	}
	if (cfg->syslog_facility != NULL && !log_syslog_socket_present())
		check_warning(c, "Syslog %s: no syslog socket at %s: the "
		    "daemon's log lines will be lost (set LogFile, or run with "
		    "-f)", cfg->syslog_facility, LOG_SOCKET_PATH);
}

static void
check_pidfile(struct check *c, const struct pm_config *cfg)
{
	struct stat sb;

	if (cfg->pid_file == NULL)
		return;
	check_directory_of(c, "PidFile", cfg->pid_file);
	if (lstat(cfg->pid_file, &sb) == 0 && !S_ISREG(sb.st_mode))
		check_problem(c, "PidFile %s: not a regular file",
		    cfg->pid_file);
}

/* The program of Mailer (its first word) must be an executable file. */
static void
check_mailer(struct check *c, const struct pm_config *cfg)
{
	char prog[PATH_MAX];
	size_t n;
	struct stat sb;

	if (cfg->mailer == NULL)
		return;
	n = strcspn(cfg->mailer, " \t");
	if (n == 0 || n >= sizeof(prog)) {
		check_problem(c, "Mailer: no program given");
		return;
	}
	memcpy(prog, cfg->mailer, n);
	prog[n] = '\0';
	if (stat(prog, &sb) == -1)
		check_problem(c, "Mailer %s: %s", prog, strerror(errno));
	else if (!S_ISREG(sb.st_mode) || access(prog, X_OK) == -1)
		check_problem(c, "Mailer %s: not an executable file", prog);
}

/* A missing directory only disables notices; a broken template is an
 * error (the daemon would not start). */
static void
check_templates(struct check *c, const struct pm_config *cfg)
{
	struct notice_templates *t;
	const char *missing;
	char err[512];

	if (!notice_templates_present(cfg)) {
		check_warning(c, "TemplateDir %s/%s: no such directory: notices "
		    "are disabled", cfg->template_dir ? cfg->template_dir : "",
		    cfg->notice_language ? cfg->notice_language : "");
		return;
	}
	if ((t = notice_templates_load(cfg->template_dir, cfg->notice_language,
	    err, sizeof(err))) == NULL)
		check_problem(c, "TemplateDir: %s", err);
	else if ((missing = notice_missing_kind(t)) != NULL)
		check_warning(c, "TemplateDir %s/%s: no %s.txt: the notices sent "
		    "before it existed are sent instead", cfg->template_dir,
		    cfg->notice_language, missing);
	notice_templates_free(t);
}

int
check_config(const struct pm_config *cfg, FILE *out)
{
	struct check c = { out, 0 };
	struct secret_key *key;
	char err[512];

	if (cfg->support_addresses.n == 0)
		check_problem(&c, "no SupportAddress configured");
	if (config_deprecated(cfg) != NULL)
		check_warning(&c, "%s", config_deprecated(cfg));
	if ((key = secret_key_load(cfg->key_file, err, sizeof(err))) == NULL)
		check_problem(&c, "KeyFile: %s", err);
	check_database(&c, cfg, key);
	secret_key_free(key);
	check_socket(&c, cfg);
	check_user(&c, cfg);
	check_pidfile(&c, cfg);
	check_logging(&c, cfg);
	check_mailer(&c, cfg);
	check_templates(&c, cfg);
	return c.problems;
}
