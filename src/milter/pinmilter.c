/*
 * pinmilter.c - the daemon's entry: options, configuration, start-up
 * checks, socket, PidFile, privileges, then smfi_main().
 *
 *   pinmilter [-c FILE] [-f] [-v]	run as a milter
 *   pinmilter [-c FILE] [-v] -n	check the set-up and exit
 *   pinmilter [-c FILE] -t FILE	process one message, print it as delivered
 *
 * Start-up order, each step for a reason: detach first (unless -f) so the
 * PidFile holds the final pid and the key's locked pages belong to the
 * process that uses them; the parent waits and exits with the child's
 * start-up status.  Then, as root: load the key, bind the socket, write
 * the PidFile; then switch to UserID; then open the database once as that
 * user (it must be able to, and migration files get the right owner) and
 * check that the key belongs to it.  Only then report "ready" and run.
 *
 * Security notes: the key is read before dropping root, so it can stay
 * mode 0600 root-owned; the key stays in locked memory for the threads.
 * A stale unix socket is removed only if it is a socket nobody listens
 * on.  The socket is created mode 0660 and given to UserID.
 *
 * Diagnostics: start-up failures go to the log and, until the daemon is
 * detached, to stderr too; exit status 1.  Usage errors exit 2.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "milter/check.h"
#include "core/config.h"
#include "milter/daemon.h"
#include "util/log.h"
#include "milter/keywatch.h"
#include "milter/live.h"
#include "milter/milter.h"
#include "milter/pool.h"
#include "milter/serve.h"
#include "core/secret.h"
#include "store/store.h"
#include "mail/message.h"
#include "notice/notice.h"
#include "notice/outbox.h"
#include "milter/tryout.h"
#include "util/xalloc.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

#define EXIT_USAGE	2

struct options {
	const char *config;
	const char *test_file;
	bool foreground;
	bool check;
	bool verbose;
};

/* State of one daemon start, so a failure can undo what was done. */
struct run {
	const struct pm_config *cfg;
	bool foreground;
	bool log_stderr;		/* log lines already reach stderr */
	int readyfd;			/* to the waiting parent, -1: none */
	bool pid_written;
	bool socket_bound;		/* we created the unix socket file */
	struct secret_key *key;
	struct notice_templates *tmpl;	/* until published; NULL: none */
	bool notices;			/* templates loaded: run the outbox */
	bool published;			/* live_publish() done */
	bool outbox_running;
	struct daemon_user user;
	bool have_user;
};

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: pinmilter [-c file] [-f] [-v]\n"
	    "       pinmilter [-c file] [-v] -n\n"
	    "       pinmilter [-c file] -t file\n"
	    "       pinmilter -V | -h\n");
}

/* 0: go on, 1: done (exit 0), -1: usage error. */
static int
options_parse(int argc, char **argv, struct options *o)
{
	int ch;

	memset(o, 0, sizeof(*o));
	o->config = PM_DEFAULT_CONFIG;
	opterr = 0;
	while ((ch = getopt(argc, argv, ":c:fhnt:vV")) != -1) {
		switch (ch) {
		case 'c': o->config = optarg; break;
		case 'f': o->foreground = true; break;
		case 'n': o->check = true; break;
		case 't': o->test_file = optarg; break;
		case 'v': o->verbose = true; break;
		case 'h': usage(stdout); return 1;
		case 'V': printf("pinmilter %s\n", PACKAGE_VERSION); return 1;
		case ':':
			fprintf(stderr, "pinmilter: -%c needs an argument\n",
			    optopt);
			return -1;
		default:
			fprintf(stderr, "pinmilter: unknown option -%c\n",
			    optopt);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "pinmilter: unexpected argument \"%s\"\n",
		    argv[optind]);
		return -1;
	}
	if (o->check && o->test_file != NULL) {
		fprintf(stderr, "pinmilter: -n and -t exclude each other\n");
		return -1;
	}
	return 0;
}

/*
 * -t FILE: run one message through the pipeline (tryout.c, the same code
 * milter_process() uses) and print the result on stdout.
 */
static int
test_message(const struct pm_config *cfg, const char *file)
{
	log_open("pinmilter", NULL);
	return tryout_run(cfg, file, stdout);
}

static int
check_only(const struct pm_config *cfg, bool verbose)
{
	if (verbose)
		config_dump(cfg, stdout);
	fflush(stdout);
	if (check_config(cfg, stderr) != 0)
		return 1;
	printf("pinmilter: configuration %s OK\n",
	    cfg->path ? cfg->path : "(defaults)");
	return 0;
}

/* A start-up failure: log it, and show it on stderr while there is one. */
static void __attribute__((format(printf, 2, 3)))
run_fail(const struct run *r, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pm_log_err("%s", buf);
	if (!r->log_stderr)
		fprintf(stderr, "pinmilter: %s\n", buf);
}

/* Bind the milter socket (as root), owned by UserID, mode 0660. */
static int
run_socket(struct run *r)
{
	const char *spec = r->cfg->socket, *path = daemon_socket_path(spec);
	char err[512];
	mode_t old;
	int rc;

	if (smfi_setconn((char *)spec) != MI_SUCCESS) {
		run_fail(r, "Socket %s: not accepted by libmilter", spec);
		return -1;
	}
	if (path != NULL && daemon_socket_clear(path, err, sizeof(err)) == -1) {
		run_fail(r, "Socket %s", err);
		return -1;
	}
	old = umask(0117);
	errno = 0;
	rc = smfi_opensocket(true);
	(void)umask(old);
	if (rc != MI_SUCCESS) {
		run_fail(r, "Socket %s: cannot listen%s%s", spec,
		    errno ? ": " : "", errno ? strerror(errno) : "");
		return -1;
	}
	r->socket_bound = path != NULL;
	if (path != NULL && r->have_user && geteuid() == 0 &&
	    chown(path, r->user.uid, r->user.gid) == -1) {
		run_fail(r, "Socket %s: chown: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Open the database once as the final user: it migrates, and must work. */
static int
run_store_check(struct run *r)
{
	const struct pm_config *cfg = r->cfg;
	struct store *st;
	char err[512];
	int rc;

	if (store_open(cfg->database, cfg->database_timeout * 1000U, 0, &st,
	    err, sizeof(err)) != STORE_OK) {
		run_fail(r, "Database %s: %s", cfg->database, err);
		return -1;
	}
	rc = check_key_matches(st, r->key, cfg->key_file, err, sizeof(err));
	store_close(st);
	if (rc == -1)
		run_fail(r, "KeyFile %s: %s", cfg->key_file, err);
	return rc;
}

/* Everything done as root: key, user lookup, socket, PidFile. */
/*
 * The notice templates: a missing TemplateDir/NoticeLanguage directory
 * disables notices (with a warning); a broken template stops the start.
 */
static int
run_templates(struct run *r)
{
	const char *missing;
	char err[512];

	if (!notice_templates_present(r->cfg)) {
		pm_log_warn("TemplateDir %s/%s: no such directory: notices "
		    "are disabled", r->cfg->template_dir, r->cfg->notice_language);
		return 0;
	}
	r->tmpl = notice_templates_load(r->cfg->template_dir,
	    r->cfg->notice_language, err, sizeof(err));
	if (r->tmpl == NULL) {
		run_fail(r, "TemplateDir: %s", err);
		return -1;
	}
	if ((missing = notice_missing_kind(r->tmpl)) != NULL)
		pm_log_warn("TemplateDir %s/%s: no %s.txt: the notices sent "
		    "before it existed are sent instead", r->cfg->template_dir,
		    r->cfg->notice_language, missing);
	return 0;
}

static int
run_privileged(struct run *r)
{
	const struct pm_config *cfg = r->cfg;
	char err[512];

	if (secret_init() == -1) {
		run_fail(r, "libsodium initialisation failed");
		return -1;
	}
	if ((r->key = secret_key_load(cfg->key_file, err, sizeof(err))) ==
	    NULL) {
		run_fail(r, "KeyFile: %s", err);
		return -1;
	}
	keywatch_init(cfg->key_file, r->key);
	if (cfg->user_id != NULL) {
		if (daemon_user_lookup(cfg->user_id, &r->user, err,
		    sizeof(err)) == -1) {
			run_fail(r, "%s", err);
			return -1;
		}
		r->have_user = true;
	}
	if (run_templates(r) == -1)
		return -1;
	r->notices = r->tmpl != NULL;
	live_publish(cfg, r->tmpl);	/* live owns the templates now */
	r->tmpl = NULL;
	r->published = true;
	if (milter_register(r->key) == -1 || run_socket(r) == -1)
		return -1;
	if (cfg->pid_file != NULL) {
		if (daemon_pidfile_write(cfg->pid_file, getpid(), err,
		    sizeof(err)) == -1) {
			run_fail(r, "%s", err);
			return -1;
		}
		r->pid_written = true;
	}
	return 0;
}

static void
run_cleanup(struct run *r)
{
	char err[512];

	if (r->pid_written && daemon_pidfile_remove(r->cfg->pid_file,
	    getpid(), err, sizeof(err)) == -1)
		pm_log_warn("%s", err);
	r->pid_written = false;
	if (r->socket_bound && daemon_socket_remove(
	    daemon_socket_path(r->cfg->socket), err, sizeof(err)) == -1)
		pm_log_warn("%s", err);
	r->socket_bound = false;
	if (r->outbox_running)
		outbox_stop();
	r->outbox_running = false;
	pool_drain();		/* smfi_main has returned: no message runs */
	if (r->published)
		live_end();
	r->published = false;
	notice_templates_free(r->tmpl);
	r->tmpl = NULL;
	keywatch_init(NULL, NULL);
	secret_key_free(r->key);
	r->key = NULL;
}

static int
run_start(struct run *r)
{
	const char *why;
	char err[512];
	sigset_t stop;

	if (!r->foreground && daemon_detach(&r->readyfd, err,
	    sizeof(err)) == -1) {
		run_fail(r, "%s", err);
		return -1;
	}
	/* Until smfi_main()'s signal thread waits for them, hold the stop
	 * signals: a SIGTERM during start-up then stops pinmilter cleanly. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &stop, NULL) == -1) {
		run_fail(r, "sigprocmask: %s", strerror(errno));
		return -1;
	}
	if (run_privileged(r) == -1)
		return -1;
	if (r->have_user &&
	    daemon_user_become(&r->user, err, sizeof(err)) == -1) {
		run_fail(r, "%s", err);
		return -1;
	}
	if (!r->have_user && geteuid() == 0)
		pm_log_warn("running as root: set UserID");
	if ((why = config_deprecated(r->cfg)) != NULL)
		pm_log_warn("%s", why);
	return run_store_check(r);
}

/*
 * Where the daemon's lines go: LogFile when set; else standard error with
 * timestamps under -f (or Syslog no); else syslog, with a warning on
 * standard error, while there is one, when no syslog socket listens.
 */
static int
run_log_open(struct run *r)
{
	const struct pm_config *cfg = r->cfg;
	char err[512];

	if (cfg->log_file != NULL) {
		if (log_open_file("pinmilter", cfg->log_file, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "pinmilter: %s\n", err);
			return -1;
		}
		r->log_stderr = false;
		return 0;
	}
	r->log_stderr = r->foreground || cfg->syslog_facility == NULL;
	if (r->log_stderr) {
		log_open("pinmilter", NULL);
		log_set_stamps(true);
		return 0;
	}
	if (log_open("pinmilter", cfg->syslog_facility) == -1) {
		fprintf(stderr, "pinmilter: Syslog %s: unknown facility\n",
		    cfg->syslog_facility);
		return -1;
	}
	if (!log_syslog_socket_present())
		fprintf(stderr, "pinmilter: warning: Syslog %s: no syslog "
		    "socket at %s: log lines will be lost (set LogFile, or run "
		    "with -f)\n", cfg->syslog_facility, LOG_SOCKET_PATH);
	return 0;
}

static int
run_daemon(const struct pm_config *cfg, bool foreground)
{
	struct run r;
	char err[256];
	int rc;

	memset(&r, 0, sizeof(r));
	r.cfg = cfg;
	r.foreground = foreground;
	r.readyfd = -1;
	if (run_log_open(&r) == -1)
		return 1;
	if (run_start(&r) == -1) {
		run_cleanup(&r);
		daemon_ready(r.readyfd, 1);
		return 1;
	}
	message_init();		/* GMime and libxml2, before any thread */
	if (r.notices) {
		if (outbox_start(cfg, r.key, err, sizeof(err)) == -1) {
			pm_log_err("%s", err);
			run_cleanup(&r);
			daemon_ready(r.readyfd, 1);
			return 1;
		}
		r.outbox_running = true;
	}
	pm_log_info("starting: socket %s, %zu support address(es)",
	    cfg->socket, cfg->support_addresses.n);
	daemon_ready(r.readyfd, 0);
	if (!foreground && daemon_stdio_null(err, sizeof(err)) == -1)
		pm_log_warn("%s", err);
	rc = serve_run(cfg->path);
	if (r.outbox_running)
		outbox_stop_ask();	/* nothing is tried after "stopping" */
	pm_log_info("stopping");
	run_cleanup(&r);
	return rc == MI_SUCCESS ? 0 : 1;
}

int
main(int argc, char **argv)
{
	struct options o;
	struct pm_config *cfg;
	char err[1024];
	int rc;

	xalloc_init();
	switch (options_parse(argc, argv, &o)) {
	case 1:
		return 0;
	case -1:
		usage(stderr);
		return EXIT_USAGE;
	}
	log_set_verbose(o.verbose);
	if ((cfg = config_load(o.config, err, sizeof(err))) == NULL) {
		fprintf(stderr, "pinmilter: %s\n", err);
		return 1;
	}
	if (o.check)
		rc = check_only(cfg, o.verbose);
	else if (o.test_file != NULL)
		rc = test_message(cfg, o.test_file);
	else
		rc = run_daemon(cfg, o.foreground);
	config_free(cfg);
	return rc;
}
