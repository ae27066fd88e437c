/*
 * test_xalloc.c - running out of memory logs one line and aborts: for a
 * library's NULL (xalloc_check, xalloc_die) and for GLib's own failure
 * once xalloc_init() routed GLib's fatal messages to util/log.  Other
 * GLib messages still reach GLib's default writer.  Each case runs in a
 * child process; the parent reads its stderr and its end.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

#include "util/log.h"
#include "util/xalloc.h"
#include "tap.h"

struct child {
	char err[4096];		/* what it wrote on stderr */
	int status;
};

/* Run FN in a child with stderr to a pipe; its output and wait status. */
static void
run_child(void (*fn)(void), struct child *c)
{
	int p[2];
	pid_t pid;
	ssize_t n;
	size_t len = 0;

	memset(c, 0, sizeof(*c));
	if (pipe(p) != 0 || (pid = fork()) < 0) {
		perror("test_xalloc");
		exit(1);
	}
	if (pid == 0) {
		struct rlimit nocore = { 0, 0 };

		(void)setrlimit(RLIMIT_CORE, &nocore);	/* no core file */
		close(p[0]);
		dup2(p[1], 2);
		(void)log_open("xtest", NULL);
		fn();
		_exit(0);
	}
	close(p[1]);
	while (len + 1 < sizeof(c->err) &&
	    (n = read(p[0], c->err + len, sizeof(c->err) - 1 - len)) > 0)
		len += (size_t)n;
	close(p[0]);
	(void)waitpid(pid, &c->status, 0);
}

static bool
aborted(const struct child *c)
{
	return WIFSIGNALED(c->status) && WTERMSIG(c->status) == SIGABRT;
}

static void
die_json(void)
{
	xalloc_die("json-c");
}

static void
check_null(void)
{
	(void)xalloc_check(NULL, "sodium_malloc");
}

#if !defined(__SANITIZE_ADDRESS__)
static void
glib_fails(void)
{
	volatile gsize huge = G_MAXSIZE / 2;

	xalloc_init();
	xalloc_init();			/* a second call changes nothing */
	g_free(g_malloc(huge));
}
#endif

static void
glib_warns(void)
{
	xalloc_init();
	g_warning("a plain warning");
}

int
main(void)
{
	struct child c;
	int x = 1;

	ok(xalloc_check(&x, "int") == &x, "xalloc_check passes a pointer on");

	run_child(die_json, &c);
	is_str(c.err, "xtest: error: out of memory: json-c\n",
	    "xalloc_die: one line");
	ok(aborted(&c), "xalloc_die: aborts (status 0x%x)", c.status);

	run_child(check_null, &c);
	is_str(c.err, "xtest: error: out of memory: sodium_malloc\n",
	    "xalloc_check(NULL): one line");
	ok(aborted(&c), "xalloc_check(NULL): aborts (status 0x%x)", c.status);

#if defined(__SANITIZE_ADDRESS__)
	tap_skip("AddressSanitizer reports a huge allocation itself");
	tap_skip("AddressSanitizer reports a huge allocation itself");
#else
	run_child(glib_fails, &c);
	ok(strncmp(c.err, "xtest: error: fatal: GLib: ", 27) == 0 &&
	    strstr(c.err, "failed to allocate") != NULL &&
	    strchr(c.err, '\n') == c.err + strlen(c.err) - 1,
	    "g_malloc failure: one line through util/log: %s", c.err);
	ok(aborted(&c), "g_malloc failure: aborts (status 0x%x)", c.status);
#endif

	run_child(glib_warns, &c);
	ok(strstr(c.err, "WARNING") != NULL &&
	    strstr(c.err, "a plain warning") != NULL &&
	    strstr(c.err, "xtest:") == NULL,
	    "a GLib warning goes to GLib's writer: %s", c.err);
	ok(WIFEXITED(c.status) && WEXITSTATUS(c.status) == 0,
	    "a GLib warning is not fatal");
	return tap_done();
}
