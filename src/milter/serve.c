/*
 * serve.c - libmilter's loop in a thread of its own, and SIGHUP caught
 * by the main thread to reload the configuration.
 *
 * libmilter's signal thread waits for SIGHUP, SIGTERM and SIGINT and stops
 * the milter on any of them.  So that SIGHUP reloads instead, smfi_main()
 * runs in a second thread, started with the three signals blocked; every
 * thread libmilter starts inherits that mask.  The main thread alone then
 * unblocks SIGHUP and catches it.  Linux hands a signal sent to the
 * process to its main thread whenever that thread does not block it, so
 * a SIGHUP always comes here, even while a reload runs; SIGTERM and
 * SIGINT, still blocked here, reach libmilter's thread and stop the milter
 * as before.
 *
 * The handler only writes a byte to a pipe (async-signal-safe); the main
 * thread reads it and reloads.  Several SIGHUPs before a reload starts
 * make one reload.  When smfi_main() returns, its thread writes a byte of
 * its own and the main thread joins it.
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
#define SERVE_DONE	'x'

static int serve_pipe[2] = { -1, -1 };
static int serve_rc;

static void
serve_on_hup(int sig)
{
	char c = SERVE_HUP;
	int saved = errno;

	(void)sig;
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

/* The pipe, the handler, and SIGHUP unblocked in this thread only. */
static int
serve_catch_hup(void)
{
	struct sigaction sa;
	sigset_t hup;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = serve_on_hup;
	sa.sa_flags = SA_RESTART;
	(void)sigemptyset(&sa.sa_mask);
	(void)sigemptyset(&hup);
	(void)sigaddset(&hup, SIGHUP);
	if (sigaction(SIGHUP, &sa, NULL) == -1 ||
	    pthread_sigmask(SIG_UNBLOCK, &hup, NULL) != 0)
		return -1;
	return 0;
}

/* Read the pipe until libmilter's thread says it is done. */
static void
serve_wait(const char *config_path)
{
	char buf[64];
	ssize_t n, i;
	bool hup, done = false;

	while (!done) {
		n = read(serve_pipe[0], buf, sizeof(buf));
		if (n <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			pm_log_err("serve: reading the signal pipe: %s",
			    n == 0 ? "closed" : strerror(errno));
			return;
		}
		hup = false;
		for (i = 0; i < n; i++) {
			hup |= buf[i] == SERVE_HUP;
			done |= buf[i] == SERVE_DONE;
		}
		if (hup && !done) {
			pm_log_info("SIGHUP: reloading %s", config_path);
			(void)reload_run(config_path);
		}
	}
}

int
serve_run(const char *config_path)
{
	pthread_t tid;
	sigset_t hup;
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
	if (serve_catch_hup() == -1)
		pm_log_err("serve: cannot catch SIGHUP: %s", strerror(errno));
	serve_wait(config_path);
	(void)sigemptyset(&hup);
	(void)sigaddset(&hup, SIGHUP);
	(void)pthread_sigmask(SIG_BLOCK, &hup, NULL);
	(void)pthread_join(tid, NULL);
	return serve_rc;
}
