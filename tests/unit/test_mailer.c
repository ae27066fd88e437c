/*
 * test_mailer.c - delivery of a notice by the Mailer program and by SMTP.
 *
 * Mailer: fake programs (shell scripts in a private directory) record
 * their argv, standard input, environment, open descriptors and signal
 * state; a table maps exit codes to SENT / RETRY / FAIL; a sleeping
 * program is killed at the (shortened) timeout with its process group; a
 * program that stops reading early cannot kill us with SIGPIPE.
 * SMTP: Postfix's smtp-sink as the relay (captured message, null sender,
 * dot-stuffing, 4xx / 5xx / 421 / disconnects at each step), a refused
 * connection, a silent server (timeout) and scripted bad replies.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/config.h"
#include "notice/mailer.h"
#include "tap.h"
#include "testutil.h"

static struct pm_config *cfg;

/* Write a fake Mailer script NAME with BODY; set cfg->mailer to it + ARGS. */
static void
fake_mailer(const char *name, const char *body, const char *args)
{
	char script[4096], cmd[1024];

	(void)snprintf(script, sizeof(script), "#!/bin/sh\nD='%s'\n%s\n", tdir,
	    body);
	write_file(tpath(name), script, strlen(script), 0755);
	(void)snprintf(cmd, sizeof(cmd), "%s%s%s", tpath(name), *args ? " " :
	    "", args);
	free(cfg->mailer);
	cfg->mailer = strdup(cmd);
}

static int
deliver(const char *rcpt, const char *msg, size_t len, char *err, size_t errlen)
{
	return mailer_send(cfg, rcpt, msg, len, err, errlen);
}

static const char msg_crlf[] = "From: support@example.com\r\nTo: ann@example.com"
    "\r\nSubject: hi\r\n\r\n.line with a dot\r\n..two dots\r\nlast line\r\n";
static const char msg_lf[] = "From: support@example.com\nTo: ann@example.com"
    "\nSubject: hi\n\n.line with a dot\n..two dots\nlast line\n";

static int64_t
ms_now(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the Mailer program ---- */

static void
test_argv_stdin(void)
{
	char err[256], body[2048], *got, want[1024];
	sigset_t set, old;
	int leak;

	/* a descriptor without close-on-exec, a blocked and an ignored signal */
	leak = dup(STDIN_FILENO);
	(void)sigemptyset(&set);
	(void)sigaddset(&set, SIGTERM);
	(void)pthread_sigmask(SIG_BLOCK, &set, &old);
	(void)signal(SIGPIPE, SIG_IGN);
	(void)setenv("PM_TEST_SECRET", "do-not-pass", 1);
	/* The shell reads its own signal state with builtins: while it waits
	 * for a child (dash uses vfork), it blocks every signal. */
	(void)snprintf(body, sizeof(body),
	    "for a in \"$@\"; do printf '[%%s]\\n' \"$a\"; done > \"$D/argv\"\n"
	    "cat > \"$D/stdin\"\n"
	    "env > \"$D/env\"\n"
	    "while IFS= read -r l; do case \"$l\" in SigBlk:*|SigIgn:*)\n"
	    "printf '%%s\\n' \"$l\";; esac; done < /proc/$$/status > \"$D/sig\"\n"
	    "if [ -e /proc/$$/fd/%d ]; then echo leaked > \"$D/fd\"; fi\n"
	    "exit 0", leak);
	fake_mailer("record.sh", body, "-t -i  $(touch\t$D/pwned) "
	    "`touch $D/pwned2` ;touch $D/pwned3 |x >y");
	is_int(deliver("$(touch pwned4)@evil.example", msg_crlf,
	    sizeof(msg_crlf) - 1, err, sizeof(err)), MAILER_SENT, "sent: %s",
	    err);
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	(void)signal(SIGPIPE, SIG_DFL);
	(void)close(leak);

	got = slurp(tpath("argv"), NULL);
	is_str(got, "[-t]\n[-i]\n[$(touch]\n[$D/pwned)]\n[`touch]\n[$D/pwned2`]\n"
	    "[;touch]\n[$D/pwned3]\n[|x]\n[>y]\n", "argv exactly the words");
	free(got);
	ok(access(tpath("pwned"), F_OK) != 0 && access(tpath("pwned2"), F_OK) !=
	    0 && access(tpath("pwned3"), F_OK) != 0 && access(tpath("pwned4"),
	    F_OK) != 0 && access(tpath("y"), F_OK) != 0 && access("y", F_OK) != 0,
	    "no shell ran the words or the recipient");
	got = slurp(tpath("stdin"), NULL);
	is_str(got, msg_lf, "the message on stdin, LF line ends");
	free(got);
	got = slurp(tpath("env"), NULL);
	ok(got != NULL && strstr(got, "PM_TEST_SECRET") == NULL,
	    "our environment is not passed");
	ok(got != NULL && strstr(got, "PATH=/usr/sbin:/usr/bin:/sbin:/bin\n") !=
	    NULL, "a fixed PATH");
	free(got);
	/* signals 1-31; glibc's posix_spawn ignores its internal 32 and 33 */
	got = slurp(tpath("sig"), NULL);
	ok(got != NULL && strncmp(got, "SigBlk:\t0000000000000000\n", 25) == 0,
	    "no signal blocked in the program");
	ok(got != NULL && strlen(got) == 50 && strncmp(got + 25, "SigIgn:\t", 8)
	    == 0 && (strtoull(got + 33, NULL, 16) & 0x7fffffffu) == 0,
	    "no standard signal ignored in the program: %s", got ? got + 25 : "");
	free(got);
	ok(access(tpath("fd"), F_OK) != 0, "no descriptor leaked");
	(void)snprintf(want, sizeof(want), "%s", tpath("argv"));
	(void)unlink(want);
}

static void
test_big_message(void)
{
	size_t n = 300 * 1024, i, got_len = 0;
	char *msg = malloc(n), *got, err[256];

	for (i = 0; i < n; i++)
		msg[i] = i % 80 == 78 ? '\r' : i % 80 == 79 ? '\n' : 'a' + i % 26;
	fake_mailer("cat.sh", "cat > \"$D/stdin\"", "-t -i");
	is_int(deliver("a@example.com", msg, n, err, sizeof(err)), MAILER_SENT,
	    "300 KB message sent");
	got = slurp(tpath("stdin"), &got_len);
	is_int(got_len, n - n / 80, "every CRLF became LF, nothing lost");
	free(got);
	free(msg);
}

static const struct {
	const char *body;
	int want;
	const char *err;	/* after the script path */
} exits[] = {
	{ "cat >/dev/null; exit 0", MAILER_SENT, "" },
	{ "exit 75", MAILER_RETRY, " exited with status 75" },
	{ "exit 71", MAILER_RETRY, " exited with status 71" },
	{ "exit 64", MAILER_FAIL, " exited with status 64" },
	{ "exit 65", MAILER_FAIL, " exited with status 65" },
	{ "exit 67", MAILER_FAIL, " exited with status 67" },
	{ "exit 69", MAILER_FAIL, " exited with status 69" },
	{ "exit 77", MAILER_FAIL, " exited with status 77" },
	{ "exit 78", MAILER_FAIL, " exited with status 78" },
	{ "exit 1", MAILER_RETRY, " exited with status 1" },
	{ "exit 63", MAILER_RETRY, " exited with status 63" },
	{ "exit 79", MAILER_RETRY, " exited with status 79" },
	{ "exit 255", MAILER_RETRY, " exited with status 255" },
	{ "kill -9 $$", MAILER_RETRY, " killed by signal 9" },
	{ "kill -TERM $$", MAILER_RETRY, " killed by signal 15" },
};

static void
test_exit_codes(void)
{
	char err[256], want[512];
	size_t i;

	for (i = 0; i < sizeof(exits) / sizeof(exits[0]); i++) {
		fake_mailer("exit.sh", exits[i].body, "-t");
		is_int(deliver("a@example.com", msg_crlf, sizeof(msg_crlf) - 1, err,
		    sizeof(err)), exits[i].want, "\"%s\" -> %s", exits[i].body,
		    mailer_rc_name(exits[i].want));
		(void)snprintf(want, sizeof(want), "%s%s", *exits[i].err ?
		    tpath("exit.sh") : "", exits[i].err);
		is_str(err, want, "\"%s\": error text", exits[i].body);
	}
}

/* Is PID gone (or a zombie nobody reaps)? */
static int
proc_gone(pid_t pid)
{
	char path[64], *stat, *p;
	int gone;

	(void)snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((stat = slurp(path, NULL)) == NULL)
		return 1;
	p = strrchr(stat, ')');
	gone = p != NULL && p[1] == ' ' && p[2] == 'Z';
	free(stat);
	return gone;
}

static void
test_timeout(void)
{
	char err[256], want[512], *pidtext;
	size_t n = 1024 * 1024;
	char *big = calloc(1, n);
	int64_t t0;
	pid_t bg = 0;
	int i;

	mailer_set_timeouts_for_tests(300, 300);
	fake_mailer("sleep.sh", "sleep 30 & echo $! > \"$D/bgpid\"; cat "
	    ">/dev/null; wait", "-t");
	t0 = ms_now();
	is_int(deliver("a@example.com", msg_crlf, sizeof(msg_crlf) - 1, err,
	    sizeof(err)), MAILER_RETRY, "a hanging Mailer is a retry");
	ok(ms_now() - t0 < 5000, "killed at the timeout (%lld ms)",
	    (long long)(ms_now() - t0));
	(void)snprintf(want, sizeof(want), "%s timed out after 300 ms, killed",
	    tpath("sleep.sh"));
	is_str(err, want, "timeout error text");
	if ((pidtext = slurp(tpath("bgpid"), NULL)) != NULL)
		bg = (pid_t)atol(pidtext);
	free(pidtext);
	for (i = 0; i < 100 && bg > 0 && !proc_gone(bg); i++)
		(void)usleep(10000);
	ok(bg > 0 && proc_gone(bg), "its process group was killed too");

	/* a program that never reads a big message: killed, not sent */
	fake_mailer("noread.sh", "sleep 30", "-t");
	t0 = ms_now();
	is_int(deliver("a@example.com", big, n, err, sizeof(err)), MAILER_RETRY,
	    "a Mailer that does not read is a retry");
	ok(ms_now() - t0 < 5000, "write timeout too");
	mailer_set_timeouts_for_tests(0, 0);

	/* one that exits 0 without reading: SIGPIPE must not kill us */
	fake_mailer("exit0.sh", "exit 0", "-t");
	is_int(deliver("a@example.com", big, n, err, sizeof(err)), MAILER_SENT,
	    "early exit 0: sent, and we are alive");
	fake_mailer("exit75.sh", "exec 0<&-; sleep 0.2; exit 75", "-t");
	is_int(deliver("a@example.com", big, n, err, sizeof(err)), MAILER_RETRY,
	    "stdin closed early, exit 75: retry");
	free(big);
}

static void
test_bad_mailer(void)
{
	char err[256];

	free(cfg->mailer);
	cfg->mailer = strdup("/nonexistent/sendmail -t -i");
	is_int(deliver("a@example.com", msg_crlf, sizeof(msg_crlf) - 1, err,
	    sizeof(err)), MAILER_RETRY, "a missing program is a retry");
	is_str(err, "cannot run /nonexistent/sendmail: No such file or directory",
	    "missing program error text");
	free(cfg->mailer);
	cfg->mailer = strdup("sendmail -t -i");
	is_int(deliver("a@example.com", msg_crlf, sizeof(msg_crlf) - 1, err,
	    sizeof(err)), MAILER_FAIL, "a relative Mailer fails");
	free(cfg->mailer);
	cfg->mailer = strdup("/bin/true 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 "
	    "17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32");
	is_int(deliver("a@example.com", msg_crlf, sizeof(msg_crlf) - 1, err,
	    sizeof(err)), MAILER_FAIL, "33 words fail");
	is_str(err, "Mailer: not an absolute path and at most 32 words",
	    "error text");
	free(cfg->mailer);
	cfg->mailer = strdup("/bin/true 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 "
	    "17 18 19 20 21 22 23 24 25 26 27 28 29 30 31");
	is_int(deliver("a@example.com", msg_crlf, sizeof(msg_crlf) - 1, err,
	    sizeof(err)), MAILER_SENT, "32 words are fine");
}

/* ---- SMTP ---- */

#define SINK	"/usr/sbin/smtp-sink"

static int
free_port(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &len) == 0)
		port = ntohs(sin.sin_port);
	(void)close(fd);
	return port;
}

static int
can_connect(int port)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_STREAM, 0), rc;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rc = connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0;
	(void)close(fd);
	return rc;
}

static void
relay_set(int port)
{
	char relay[64];

	(void)snprintf(relay, sizeof(relay), "127.0.0.1:%d", port);
	free(cfg->smtp_relay);
	cfg->smtp_relay = strdup(relay);
}

/* Start smtp-sink with OPT (one option and its argument, or NULL). */
static pid_t
sink_start(const char *opt, const char *arg, int *portp)
{
	char dump[600], addr[64];
	const char *argv[16];
	int n = 0, i, port = free_port();
	pid_t pid;

	rmtree(tpath("sink"));
	(void)snprintf(dump, sizeof(dump), "%s/%%M.", tpath("sink"));
	(void)snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
	argv[n++] = SINK;
	if (geteuid() == 0) {
		argv[n++] = "-u";
		argv[n++] = "root";
	}
	if (opt != NULL)
		argv[n++] = opt;
	if (arg != NULL)
		argv[n++] = arg;
	argv[n++] = "-d";
	argv[n++] = dump;
	argv[n++] = addr;
	argv[n++] = "10";
	argv[n] = NULL;
	if ((pid = fork()) == 0) {
		int null = open("/dev/null", O_WRONLY);

		(void)dup2(null, STDERR_FILENO);
		execv(SINK, (char *const *)argv);
		_exit(127);
	}
	for (i = 0; i < 300 && !can_connect(port); i++)
		(void)usleep(10000);
	*portp = port;
	relay_set(port);
	return pid;
}

static void
child_stop(pid_t pid)
{
	int status;

	if (pid > 0) {
		(void)kill(pid, SIGKILL);
		(void)waitpid(pid, &status, 0);
	}
}

/* The one message smtp-sink captured, or NULL. */
static char *
sink_capture(void)
{
	DIR *dp;
	struct dirent *de;
	char path[1024], *got = NULL;
	int i;

	for (i = 0; i < 100 && got == NULL; i++) {
		if ((dp = opendir(tpath("sink"))) != NULL) {
			while ((de = readdir(dp)) != NULL)
				if (de->d_name[0] != '.') {
					(void)snprintf(path, sizeof(path), "%s/%s",
					    tpath("sink"), de->d_name);
					got = slurp(path, NULL);
				}
			(void)closedir(dp);
		}
		if (got == NULL)
			(void)usleep(10000);
	}
	return got;
}

static void
test_smtp_sink(void)
{
	char err[512], *got;
	int port;
	pid_t pid;

	pid = sink_start(NULL, NULL, &port);
	is_int(deliver("ann@example.com", msg_crlf, sizeof(msg_crlf) - 1, err,
	    sizeof(err)), MAILER_SENT, "smtp-sink accepts the notice: %s", err);
	got = sink_capture();
	ok(got != NULL && strstr(got, "X-Mail-Args: <>\n") != NULL,
	    "null sender (MAIL FROM:<>)");
	ok(got != NULL && strstr(got, "X-Rcpt-Args: <ann@example.com>\n") !=
	    NULL, "RCPT TO the recipient");
	ok(got != NULL && strstr(got, "\nSubject: hi\n\n.line with a dot\n"
	    "..two dots\nlast line\n") != NULL,
	    "message intact after dot-stuffing");
	free(got);

	/* bare LF in, and a last line without a line end */
	rmtree(tpath("sink"));
	is_int(deliver("ann@example.com", "Subject: x\n\n.\nend", 17, err,
	    sizeof(err)), MAILER_SENT, "LF message sent");
	got = sink_capture();
	ok(got != NULL && strstr(got, "\nSubject: x\n\n.\nend\n") != NULL,
	    "a lone dot line survives");
	free(got);

	/* the recipient goes out in its canonical form */
	rmtree(tpath("sink"));
	is_int(deliver("\"ann\"@Example.COM.", msg_crlf, sizeof(msg_crlf) - 1,
	    err, sizeof(err)), MAILER_SENT, "quoted recipient sent: %s", err);
	got = sink_capture();
	ok(got != NULL && strstr(got, "X-Rcpt-Args: <ann@example.com>\n") !=
	    NULL, "RCPT TO:<ann@example.com> for \"ann\"@Example.COM.");
	free(got);
	child_stop(pid);
}

static const struct {
	const char *opt, *arg;
	int want;
	const char *err;	/* after "SMTP relay 127.0.0.1:PORT: " */
} sink_cases[] = {
	{ "-r", "RCPT", MAILER_RETRY,
	    "RCPT TO: 450 4.3.0 Error: command failed" },
	{ "-f", "RCPT", MAILER_FAIL, "RCPT TO: 500 5.3.0 Error: command failed" },
	{ "-r", "MAIL", MAILER_RETRY,
	    "MAIL FROM: 450 4.3.0 Error: command failed" },
	{ "-f", "MAIL", MAILER_FAIL, "MAIL FROM: 500 5.3.0 Error: command failed" },
	{ "-r", "DATA", MAILER_RETRY, "DATA: 450 4.3.0 Error: command failed" },
	{ "-f", ".", MAILER_FAIL,
	    "end of data: 500 5.3.0 Error: command failed" },
	{ "-r", ".", MAILER_RETRY,
	    "end of data: 450 4.3.0 Error: command failed" },
	{ "-f", "CONNECT", MAILER_FAIL,
	    "greeting: 500 5.3.0 Error: command failed" },
	{ "-Q", "RCPT", MAILER_RETRY,
	    "RCPT TO: 421 4.0.0 Server closing connection" },
	{ "-q", "DATA", MAILER_RETRY, "connection closed by the relay" },
	{ "-f", "EHLO", MAILER_SENT, "" },	/* HELO instead */
};

static void
test_smtp_replies(void)
{
	char err[512], want[600];
	size_t i;
	int port;
	pid_t pid;

	for (i = 0; i < sizeof(sink_cases) / sizeof(sink_cases[0]); i++) {
		pid = sink_start(sink_cases[i].opt, sink_cases[i].arg, &port);
		is_int(deliver("ann@example.com", msg_crlf, sizeof(msg_crlf) - 1,
		    err, sizeof(err)), sink_cases[i].want, "smtp-sink %s %s -> %s",
		    sink_cases[i].opt, sink_cases[i].arg,
		    mailer_rc_name(sink_cases[i].want));
		if (*sink_cases[i].err)
			(void)snprintf(want, sizeof(want), "SMTP relay "
			    "127.0.0.1:%d: %s", port, sink_cases[i].err);
		else
			want[0] = '\0';
		is_str(err, want, "smtp-sink %s %s: error text",
		    sink_cases[i].opt, sink_cases[i].arg);
		child_stop(pid);
	}
}

/* A one-connection server on a free port that writes SAY, then reads
 * until the client closes, or (UNTIL not NULL) until what it read holds
 * UNTIL, and then drops the connection. */
static pid_t
fake_server_until(const char *say, const char *until, int *portp)
{
	struct sockaddr_in sin;
	int fd, c, port = free_port(), one = 1;
	pid_t pid;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    listen(fd, 4) != 0) {
		printf("Bail out! fake server: %s\n", strerror(errno));
		exit(1);
	}
	if ((pid = fork()) == 0) {
		char buf[512], got[8192];
		size_t have = 0;
		ssize_t n;

		if ((c = accept(fd, NULL, NULL)) >= 0) {
			(void)write(c, say, strlen(say));
			while ((n = read(c, buf, sizeof(buf))) > 0) {
				if (until == NULL)
					continue;
				if (have + (size_t)n < sizeof(got)) {
					memcpy(got + have, buf, (size_t)n);
					have += (size_t)n;
					got[have] = '\0';
				}
				if (strstr(got, until) != NULL)
					break;
			}
		}
		_exit(0);	/* closes the connection */
	}
	(void)close(fd);
	*portp = port;
	relay_set(port);
	return pid;
}

static pid_t
fake_server(const char *say, int *portp)
{
	return fake_server_until(say, NULL, portp);
}

static void
test_smtp_bad_servers(void)
{
	static char longline[1200];
	const struct {
		const char *say, *what;
		const char *err;
	} cases[] = {
		{ "", "a silent server", "timed out waiting for a reply" },
		{ "hello\r\n", "a malformed greeting",
		    "malformed reply \"hello\"" },
		{ "220-a\r\n250 b\r\n", "mixed codes", "reply codes 220 and 250 mixed" },
		{ "2200 x\r\n", "a four-digit code", "malformed reply \"2200 x\"" },
		{ "199 x\r\n", "a 1xx code", "malformed reply \"199 x\"" },
		{ longline, "a 1100-byte line",
		    "reply line longer than 999 bytes" },
		{ "220 ok\r\n", "a server that stops after the greeting",
		    "timed out waiting for a reply" },
		{ "220 ok\r\n250 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n",
		    "a server silent after the data",
		    "timed out waiting for a reply" },
	};
	char err[512], want[600];
	size_t i;
	int port;
	pid_t pid;

	memset(longline, 'x', sizeof(longline) - 3);
	memcpy(longline, "220 ", 4);
	memcpy(longline + sizeof(longline) - 3, "\r\n", 3);
	mailer_set_timeouts_for_tests(0, 300);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pid = fake_server(cases[i].say, &port);
		is_int(deliver("ann@example.com", msg_crlf, sizeof(msg_crlf) - 1,
		    err, sizeof(err)), MAILER_RETRY, "%s: retry", cases[i].what);
		(void)snprintf(want, sizeof(want), "SMTP relay 127.0.0.1:%d: %s",
		    port, cases[i].err);
		is_str(err, want, "%s: error text", cases[i].what);
		child_stop(pid);
	}
	{
		char many[8192];
		size_t n = 0;

		for (i = 0; i < 101; i++)
			n += (size_t)snprintf(many + n, sizeof(many) - n,
			    "220-line %zu\r\n", i);
		pid = fake_server(many, &port);
		is_int(deliver("ann@example.com", msg_crlf, sizeof(msg_crlf) - 1,
		    err, sizeof(err)), MAILER_RETRY, "101-line reply: retry");
		(void)snprintf(want, sizeof(want), "SMTP relay 127.0.0.1:%d: "
		    "reply longer than 100 lines", port);
		is_str(err, want, "101-line reply: error text");
		child_stop(pid);
	}

	/* the connection dropped in the middle of the DATA, and after the
	 * greeting: a retry, never "sent" */
	{
		const struct {
			const char *say, *until, *what, *err;
		} drops[] = {
			{ "220 ok\r\n250 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n",
			    "Subject:", "dropped in the middle of the DATA",
			    "connection closed by the relay" },
			{ "220 ok\r\n", "EHLO", "dropped after EHLO",
			    "connection closed by the relay" },
		};

		for (i = 0; i < sizeof(drops) / sizeof(drops[0]); i++) {
			pid = fake_server_until(drops[i].say, drops[i].until,
			    &port);
			is_int(deliver("ann@example.com", msg_crlf,
			    sizeof(msg_crlf) - 1, err, sizeof(err)), MAILER_RETRY,
			    "%s: retry", drops[i].what);
			(void)snprintf(want, sizeof(want), "SMTP relay "
			    "127.0.0.1:%d: %s", port, drops[i].err);
			is_str(err, want, "%s: error text", drops[i].what);
			child_stop(pid);
		}
	}

	/* nobody listening */
	port = free_port();
	relay_set(port);
	is_int(deliver("ann@example.com", msg_crlf, sizeof(msg_crlf) - 1, err,
	    sizeof(err)), MAILER_RETRY, "connection refused: retry");
	(void)snprintf(want, sizeof(want), "SMTP relay 127.0.0.1:%d: connect: "
	    "Connection refused", port);
	is_str(err, want, "connection refused: error text");
	mailer_set_timeouts_for_tests(0, 0);
}

/* ---- mailer_stop: a send cut short ---- */

static void *
stop_later(void *arg)
{
	(void)arg;
	(void)usleep(300 * 1000);
	mailer_stop(true);
	return NULL;
}

/* Deliver with mailer_stop(true) called 300 ms in; the rc, *took in ms. */
static int
deliver_stopped(char *err, size_t errlen, int64_t *took)
{
	pthread_t th;
	int64_t t0 = ms_now();
	int rc;

	(void)pthread_create(&th, NULL, stop_later, NULL);
	rc = deliver("ann@example.com", msg_crlf, sizeof(msg_crlf) - 1, err,
	    errlen);
	*took = ms_now() - t0;
	(void)pthread_join(th, NULL);
	return rc;
}

static void
test_stop(void)
{
	char err[256], *pidtext;
	int64_t took;
	pid_t bg = 0, pid;
	int i, port;

	/* a Mailer that hangs, with the 60-second default timeout */
	mailer_set_timeouts_for_tests(0, 0);
	free(cfg->smtp_relay);
	cfg->smtp_relay = NULL;
	fake_mailer("hang.sh", "sleep 30 & echo $! > \"$D/hangpid\"; cat "
	    ">/dev/null; wait", "-t");
	is_int(deliver_stopped(err, sizeof(err), &took), MAILER_STOPPED,
	    "a hanging Mailer, stopped: MAILER_STOPPED");
	ok(took >= 300 && took < 1000, "returns within 700 ms of the stop "
	    "(%lld ms)", (long long)took);
	is_str(err, "interrupted: pinmilter is stopping", "stopped: error text");
	if ((pidtext = slurp(tpath("hangpid"), NULL)) != NULL)
		bg = (pid_t)atol(pidtext);
	free(pidtext);
	for (i = 0; i < 100 && bg > 0 && !proc_gone(bg); i++)
		(void)usleep(10000);
	ok(bg > 0 && proc_gone(bg), "stopped: its process group was killed");

	/* stopped before: nothing is started */
	(void)unlink(tpath("ran"));
	fake_mailer("mark.sh", "touch \"$D/ran\"; cat >/dev/null", "-t");
	is_int(deliver("ann@example.com", msg_crlf, sizeof(msg_crlf) - 1, err,
	    sizeof(err)), MAILER_STOPPED, "after mailer_stop(true): stopped");
	is_str(err, "not sent: pinmilter is stopping", "not sent: error text");
	ok(access(tpath("ran"), F_OK) != 0, "the Mailer was not started");
	mailer_stop(false);
	is_int(deliver("ann@example.com", msg_crlf, sizeof(msg_crlf) - 1, err,
	    sizeof(err)), MAILER_SENT, "after mailer_stop(false): sent again");
	ok(access(tpath("ran"), F_OK) == 0, "the Mailer ran");

	/* a relay silent after the data, with the 30-second step timeout */
	pid = fake_server("220 ok\r\n250 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n",
	    &port);
	is_int(deliver_stopped(err, sizeof(err), &took), MAILER_STOPPED,
	    "a silent relay, stopped: MAILER_STOPPED");
	ok(took >= 300 && took < 1000, "returns within 700 ms of the stop "
	    "(%lld ms)", (long long)took);
	is_str(err, "interrupted: pinmilter is stopping", "relay: error text");
	child_stop(pid);
	mailer_stop(false);
	free(cfg->smtp_relay);
	cfg->smtp_relay = NULL;
	is_str(mailer_rc_name(MAILER_STOPPED), "stopped", "rc name");
}

static void
test_smtp_input(void)
{
	static const char *bad_rcpt[] = { "a b@example.com", "<a@example.com>",
	    "a@example.com\r\nRCPT TO:<b@example.com>", "nobody", "",
	    "caf\xc3\xa9@example.com", "a@b@c.example" };
	char err[512], relay[64];
	size_t i;
	int port;
	pid_t pid;

	relay_set(free_port());
	for (i = 0; i < sizeof(bad_rcpt) / sizeof(bad_rcpt[0]); i++) {
		is_int(deliver(bad_rcpt[i], msg_crlf, sizeof(msg_crlf) - 1, err,
		    sizeof(err)), MAILER_FAIL, "recipient %zu refused", i);
		is_str(err, "SMTP: not a valid recipient address",
		    "recipient %zu: error text", i);
	}
	free(cfg->smtp_relay);
	cfg->smtp_relay = strdup("no-port");
	is_int(deliver("a@example.com", msg_crlf, sizeof(msg_crlf) - 1, err,
	    sizeof(err)), MAILER_RETRY, "relay without a port");
	is_str(err, "SMTP relay no-port: not host:port", "error text");

	if (access(SINK, X_OK) != 0) {
		tap_skip("no smtp-sink");
		return;
	}
	pid = sink_start(NULL, NULL, &port);
	(void)snprintf(relay, sizeof(relay), "[127.0.0.1]:%d", port);
	free(cfg->smtp_relay);
	cfg->smtp_relay = strdup(relay);
	is_int(deliver("a@example.com", msg_crlf, sizeof(msg_crlf) - 1, err,
	    sizeof(err)), MAILER_SENT, "[address]:port relay");
	child_stop(pid);
}

int
main(void)
{
	char err[256];

	tdir_make("test_mailer");
	if (chdir(tdir) != 0 || (cfg = config_defaults()) == NULL) {
		printf("Bail out! setup\n");
		return 1;
	}
	test_timeout();
	test_argv_stdin();
	test_big_message();
	test_exit_codes();
	test_bad_mailer();
	if (access(SINK, X_OK) == 0) {
		test_smtp_sink();
		test_smtp_replies();
	} else
		tap_skip("no " SINK);
	test_smtp_bad_servers();
	test_smtp_input();
	test_stop();
	(void)err;

	free(cfg->smtp_relay);
	cfg->smtp_relay = NULL;
	config_free(cfg);
	if (chdir("/") == 0)
		rmtree(tdir);
	return tap_done();
}
