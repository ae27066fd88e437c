/*
 * serve.c - libmilter's loop in a thread of its own, and SIGHUP, SIGTERM
 * and SIGINT caught by the main thread: SIGHUP reloads the configuration,
 * the other two stop the milter.
 *
 * libmilter's signal thread waits for SIGHUP, SIGTERM and SIGINT and stops
 * the milter on any of them.  So that SIGHUP reloads instead, smfi_main()
 * runs in a second thread, started with the three signals blocked; every
 * thread libmilter starts inherits that mask.  The main thread alone then
 * unblocks them and catches them.  Linux hands a signal sent to the
 * process to its main thread whenever that thread does not block it, so
 * they always come here, even while a reload runs.
 *
 * The handler only writes a byte to a pipe (async-signal-safe); the main
 * thread reads it and reloads, or stops libmilter with smfi_stop().
 * Several SIGHUPs before a reload starts make one reload.  When
 * smfi_main() returns, its thread writes a byte of its own and the main
 * thread joins it.
 *
 * A stop asked for here is a clean stop whatever smfi_main() returns:
 * libmilter closes its listening socket from the stopping thread, and
 * when that lands between two checks of its accept loop, the loop reports
 * the closed socket as an error ("listenfd corrupted") and smfi_main()
 * fails, although nothing went wrong; pinmilter then exited 1 on a
 * SIGTERM sent just after start.
 *
 * Diagnostics: a failure to set this up is logged and falls back to
 * running smfi_main() here, where SIGHUP stops the milter as it always
 * did.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "milter/reload.h"
#include "milter/serve.h"
#include "util/log.h"

#define SERVE_HUP	'h'
#define SERVE_STOP	's'
#define SERVE_DONE	'x'

static int serve_pipe[2] = { -1, -1 };
static int serve_rc;

static void
serve_on_signal(int sig)
{
	char c = sig == SIGHUP ? SERVE_HUP : SERVE_STOP;
	int saved = errno;

	if (write(serve_pipe[1], &c, 1) < 0) {
		/* full: a reload is pending anyway */
	}
	errno = saved;
}

static void *
serve_main(void *arg)
{
	char c = SERVE_DONE;

	(void)arg;
	serve_rc = smfi_main();
	while (write(serve_pipe[1], &c, 1) < 0 && errno == EINTR)
		continue;
	return NULL;
}

/* SIGHUP, SIGTERM and SIGINT, in SET. */
static void
serve_signals(sigset_t *set)
{
	(void)sigemptyset(set);
	(void)sigaddset(set, SIGHUP);
	(void)sigaddset(set, SIGTERM);
	(void)sigaddset(set, SIGINT);
}

/* The handler, and the three signals unblocked in this thread only. */
static int
serve_catch_signals(void)
{
	struct sigaction sa;
	sigset_t set;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = serve_on_signal;
	sa.sa_flags = SA_RESTART;
	serve_signals(&sa.sa_mask);
	serve_signals(&set);
	if (sigaction(SIGHUP, &sa, NULL) == -1 ||
	    sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1 ||
	    pthread_sigmask(SIG_UNBLOCK, &set, NULL) != 0)
		return -1;
	return 0;
}

/* Read the pipe until libmilter's thread says it is done.  True when a
 * stop was asked for (SIGTERM, SIGINT). */
static bool
serve_wait(const char *config_path)
{
	char buf[64];
	ssize_t n, i;
	bool hup, stop = false, done = false;

	while (!done) {
		n = read(serve_pipe[0], buf, sizeof(buf));
		if (n <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			pm_log_err("serve: reading the signal pipe: %s",
			    n == 0 ? "closed" : strerror(errno));
			return stop;
		}
		hup = false;
		for (i = 0; i < n; i++) {
			hup |= buf[i] == SERVE_HUP;
			done |= buf[i] == SERVE_DONE;
			if (buf[i] == SERVE_STOP && !stop) {
				stop = true;
				(void)smfi_stop();
			}
		}
		if (hup && !done && !stop) {
			pm_log_info("SIGHUP: reloading %s", config_path);
			(void)reload_run(config_path);
		}
	}
	return stop;
}

int
serve_run(const char *config_path)
{
	pthread_t tid;
	sigset_t set;
	bool stopped;
	int rc;

	if (pipe2(serve_pipe, O_CLOEXEC) == -1 ||
	    fcntl(serve_pipe[1], F_SETFL, O_NONBLOCK) == -1) {
		pm_log_err("serve: pipe: %s: SIGHUP stops the milter",
		    strerror(errno));
		return smfi_main();
	}
	if ((rc = pthread_create(&tid, NULL, serve_main, NULL)) != 0) {
		pm_log_err("serve: cannot start a thread: %s: SIGHUP stops "
		    "the milter", strerror(rc));
		return smfi_main();
	}
	if (serve_catch_signals() == -1)
		pm_log_err("serve: cannot catch signals: %s", strerror(errno));
	stopped = serve_wait(config_path);
	serve_signals(&set);
	(void)pthread_sigmask(SIG_BLOCK, &set, NULL);
	(void)pthread_join(tid, NULL);
	return stopped ? MI_SUCCESS : serve_rc;
}
