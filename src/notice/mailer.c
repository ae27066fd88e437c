/*
 * mailer.c - deliver one notice: the Mailer program, or SMTP to a relay.
 *
 * Mailer: the configured command is split on white space into an argv
 * (at most MAILER_ARGS_MAX words) and started with posix_spawn: no shell,
 * no PATH search (config.c requires an absolute path), a fixed small
 * environment, all signals unblocked and at their defaults, a process
 * group of its own (so a timeout kills sendmail and its postdrop too), no
 * descriptor of ours but the pipe on its standard input (closefrom in
 * the child; ours are close-on-exec as well).  The message is written
 * with LF line ends, as sendmail expects on standard input; its output
 * goes to /dev/null, its standard error is inherited (pinmilter -f shows
 * it, the daemon sends it to /dev/null).
 *
 * SMTP: a minimal RFC 5321 client for a relay that accepts our mail
 * (normally the local Postfix): EHLO (HELO if EHLO is refused), MAIL
 * FROM:<> (the null sender of RFC 3834: bounces of an automatic notice
 * must not come back), RCPT TO, DATA with dot-stuffing and CRLF, QUIT.
 * No pipelining, no TLS, no authentication: point SMTPRelay at a trusted
 * local MTA.
 *
 * Stopping: every wait (connect, reply, write, the program's exit) looks
 * at a stop flag every IO_STOP_STEP_MS (util/io.h); mailer_stop(true)
 * makes a send in progress give up within that (the program and its
 * process group are killed, the connection closed without QUIT) and
 * return MAILER_STOPPED, and a send started after it return at once.
 * Only the name look-up of SMTPRelay (getaddrinfo) cannot be cut short:
 * use a numeric address or a local name.
 *
 * Security notes: the recipient never reaches a shell or argv; for SMTP
 * it must be a valid addr-spec (util/address.h; a local part over 64
 * bytes is let through, the relay decides), sent in its canonical form,
 * which holds no control character or angle bracket.  Every read from the
 * relay is bounded (SMTP_LINE_MAX bytes a line, SMTP_LINES_MAX lines a
 * reply) and every wait has a deadline.  Copies of the message (which
 * may hold a PIN) are wiped before free.  SIGPIPE is blocked in the
 * calling thread while the program is fed, and the socket is written
 * with MSG_NOSIGNAL (util/io.c), so a program or relay that goes away
 * early cannot kill the daemon.
 *
 * Diagnostics: one printable line in err on RETRY or FAIL (the reply text
 * of the relay, the exit status of the program); nothing is logged here.
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "util/address.h"
#include "util/io.h"
#include "util/log.h"
#include "notice/mailer.h"
#include "core/secret.h"

#define MAILER_TIMEOUT_MS	60000	/* the whole Mailer run */
#define SMTP_TIMEOUT_MS		30000	/* each SMTP step */
#define SMTP_LINE_MAX		1000	/* bytes in one reply line, CRLF incl. */
#define SMTP_LINES_MAX		100	/* lines in one reply */

static unsigned mailer_timeout_ms = MAILER_TIMEOUT_MS;
static unsigned smtp_timeout_ms = SMTP_TIMEOUT_MS;
static atomic_bool mailer_stopping;	/* mailer_stop(true) */

void
mailer_stop(bool stop)
{
	atomic_store(&mailer_stopping, stop);
}

void
mailer_set_timeouts_for_tests(unsigned mailer_ms, unsigned smtp_ms)
{
	mailer_timeout_ms = mailer_ms ? mailer_ms : MAILER_TIMEOUT_MS;
	smtp_timeout_ms = smtp_ms ? smtp_ms : SMTP_TIMEOUT_MS;
}

const char *
mailer_rc_name(int rc)
{
	switch (rc) {
	case MAILER_SENT:
		return "sent";
	case MAILER_RETRY:
		return "retry";
	case MAILER_FAIL:
		return "fail";
	case MAILER_STOPPED:
		return "stopped";
	default:
		return "unknown";
	}
}

/* ---- the Mailer program ---- */

/* Split WORDS in place into ARGV (NULL-terminated); the count, or -1. */
static int
argv_split(char *words, char *argv[MAILER_ARGS_MAX + 1])
{
	char *save = NULL, *w;
	int n = 0;

	for (w = strtok_r(words, " \t", &save); w != NULL;
	    w = strtok_r(NULL, " \t", &save)) {
		if (n == MAILER_ARGS_MAX)
			return -1;
		argv[n++] = w;
	}
	argv[n] = NULL;
	return n > 0 && argv[0][0] == '/' ? n : -1;
}

/* A copy of MSG with CRLF turned into LF (sendmail's standard input). */
static char *
copy_lf(const char *msg, size_t len, size_t *outlen)
{
	char *out = g_malloc(len + 1);
	size_t i, o = 0;

	for (i = 0; i < len; i++)
		if (!(msg[i] == '\r' && i + 1 < len && msg[i + 1] == '\n'))
			out[o++] = msg[i];
	*outlen = o;
	return out;
}

/* The outcome of an exit status (see mailer.h). */
static int
exit_map(int status, const char *prog, char *err, size_t errlen)
{
	int code;

	if (WIFSIGNALED(status)) {
		snprintf(err, errlen, "%s killed by signal %d", prog,
		    WTERMSIG(status));
		return MAILER_RETRY;
	}
	code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	if (code == 0)
		return MAILER_SENT;
	snprintf(err, errlen, "%s exited with status %d", prog, code);
	if (code == EX_TEMPFAIL || code == EX_OSERR)
		return MAILER_RETRY;
	if (code >= EX__BASE && code <= EX__MAX)
		return MAILER_FAIL;
	return MAILER_RETRY;
}

/* Kill PID and its process group, and reap it. */
static void
child_kill(pid_t pid)
{
	int status;

	(void)kill(-pid, SIGKILL);
	(void)kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}

/*
 * Wait for PID until DEADLINE (0 exited, -1 error), then kill it (1);
 * killed at once when the mailer is stopped (-1, errno ECANCELED).
 */
static int
child_wait(pid_t pid, int64_t deadline, int *status)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	pid_t r;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
		if (io_now_ms() >= deadline) {
			child_kill(pid);
			return 1;
		}
		if (atomic_load(&mailer_stopping)) {
			child_kill(pid);
			errno = ECANCELED;
			return -1;
		}
		(void)nanosleep(&tick, NULL);
	}
}

static int
spawn_setup(posix_spawn_file_actions_t *fa, posix_spawnattr_t *at, int in)
{
	sigset_t none, all;

	(void)sigemptyset(&none);
	(void)sigfillset(&all);
	if (posix_spawn_file_actions_init(fa) != 0)
		return -1;
	if (posix_spawnattr_init(at) != 0) {
		(void)posix_spawn_file_actions_destroy(fa);
		return -1;
	}
	if (posix_spawn_file_actions_adddup2(fa, in, STDIN_FILENO) != 0 ||
	    posix_spawn_file_actions_addopen(fa, STDOUT_FILENO, "/dev/null",
	    O_WRONLY, 0) != 0 ||
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34)
	    posix_spawn_file_actions_addclosefrom_np(fa, STDERR_FILENO + 1) !=
	    0 ||
#endif
	    posix_spawnattr_setflags(at, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP) != 0 ||
	    posix_spawnattr_setsigmask(at, &none) != 0 ||
	    posix_spawnattr_setsigdefault(at, &all) != 0 ||
	    posix_spawnattr_setpgroup(at, 0) != 0) {
		(void)posix_spawn_file_actions_destroy(fa);
		(void)posix_spawnattr_destroy(at);
		return -1;
	}
	return 0;
}

/* Start ARGV with its standard input on a new pipe; *wfd the write end. */
static int
spawn_mailer(char *const argv[], pid_t *pid, int *wfd, char *err,
    size_t errlen)
{
	static char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
	    NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	int p[2], rc;

	if (pipe2(p, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	if (spawn_setup(&fa, &at, p[0]) != 0) {
		snprintf(err, errlen, "posix_spawn set-up failed");
		rc = -1;
	} else {
		rc = posix_spawn(pid, argv[0], &fa, &at, argv, envp);
		(void)posix_spawn_file_actions_destroy(&fa);
		(void)posix_spawnattr_destroy(&at);
		if (rc != 0)
			snprintf(err, errlen, "cannot run %s: %s", argv[0],
			    strerror(rc));
	}
	(void)close(p[0]);
	if (rc != 0) {
		(void)close(p[1]);
		return -1;
	}
	/* the write end only: the program reads a blocking stdin */
	(void)fcntl(p[1], F_SETFL, O_NONBLOCK);
	*wfd = p[1];
	return 0;
}

/* Write the message to the program; EPIPE (it stopped reading) is not an error. */
static int
feed(int fd, const char *buf, size_t len, int64_t deadline)
{
	sigset_t pipeset, old;
	struct timespec zero = { 0, 0 };
	int rc, saved;

	(void)sigemptyset(&pipeset);
	(void)sigaddset(&pipeset, SIGPIPE);
	(void)pthread_sigmask(SIG_BLOCK, &pipeset, &old);
	rc = io_write_all_stop(fd, buf, len, deadline, &mailer_stopping);
	saved = errno;
	if (rc < 0 && saved == EPIPE && !sigismember(&old, SIGPIPE))
		(void)sigtimedwait(&pipeset, NULL, &zero);
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc < 0 && saved == EPIPE)
		return 0;
	errno = saved;
	return rc;
}

static int
mailer_run(const char *command, const char *msg, size_t len, char *err,
    size_t errlen)
{
	char *words, *argv[MAILER_ARGS_MAX + 1], *lf;
	int64_t deadline = io_now_ms() + mailer_timeout_ms;
	size_t lflen = 0;
	int fd, status, rc, w, saved;
	pid_t pid;

	words = g_strdup(command);
	if (argv_split(words, argv) < 0) {
		snprintf(err, errlen, "Mailer: not an absolute path and at most "
		    "%d words", MAILER_ARGS_MAX);
		g_free(words);
		return MAILER_FAIL;
	}
	lf = copy_lf(msg, len, &lflen);
	rc = MAILER_RETRY;
	if (spawn_mailer(argv, &pid, &fd, err, errlen) == 0) {
		/* a partial message must never be sent: kill on any error */
		w = feed(fd, lf, lflen, deadline);
		saved = errno;
		(void)close(fd);
		if (w < 0) {
			child_kill(pid);
			w = saved == ETIMEDOUT ? 1 : -1;
		} else {
			w = child_wait(pid, deadline, &status);
			saved = errno;
		}
		if (w == 1)
			snprintf(err, errlen, "%s timed out after %u ms, killed",
			    argv[0], mailer_timeout_ms);
		else if (w < 0)
			snprintf(err, errlen, "%s: %s", argv[0], strerror(saved));
		else
			rc = exit_map(status, argv[0], err, errlen);
	}
	secret_wipe(lf, lflen);
	g_free(lf);
	g_free(words);
	return rc;
}

/* ---- SMTP to a relay ---- */

struct smtp {
	int fd;
	const char *relay;	/* host:port, for messages */
	char in[SMTP_LINE_MAX * 2];
	size_t inlen;
	char out[8192];
	size_t outlen;
	char last[SMTP_LINE_MAX];	/* the last line of the last reply */
	char *err;
	size_t errlen;
};

/* Fail with a printable reason; returns MAILER_RETRY. */
static int __attribute__((format(printf, 2, 3)))
smtp_err(struct smtp *s, const char *fmt, ...)
{
	char why[512], shown[512];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(s->err, s->errlen, "SMTP relay %s: %s", s->relay,
	    log_printable(why, shown, sizeof(shown)));
	return MAILER_RETRY;
}

/* Split RELAY "host:port" or "[v6]:port". */
static int
relay_split(const char *relay, char *host, size_t hostlen, char *port,
    size_t portlen)
{
	const char *colon = strrchr(relay, ':'), *h = relay;
	size_t n;

	if (colon == NULL || colon[1] == '\0' || strlen(colon + 1) >= portlen)
		return -1;
	n = (size_t)(colon - relay);
	if (n >= 2 && relay[0] == '[' && relay[n - 1] == ']') {
		h++;
		n -= 2;
	}
	if (n == 0 || n >= hostlen)
		return -1;
	memcpy(host, h, n);
	host[n] = '\0';
	memcpy(port, colon + 1, strlen(colon + 1) + 1);
	return 0;
}

/* Connect to one address before DEADLINE: the socket, or -1 (errno). */
static int
connect_one(const struct addrinfo *ai, int64_t deadline)
{
	socklen_t len = sizeof(int);
	int fd, soerr = 0, w;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, ai->ai_protocol);
	if (fd < 0)
		return -1;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return fd;
	if (errno == EINPROGRESS) {
		if ((w = io_wait_stop(fd, POLLOUT, deadline,
		    &mailer_stopping)) > 0 &&
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 &&
		    soerr == 0)
			return fd;
		errno = w == 0 ? ETIMEDOUT : soerr ? soerr : errno;
	}
	w = errno;
	(void)close(fd);
	errno = w;
	return -1;
}

static int
smtp_connect(struct smtp *s)
{
	struct addrinfo hints, *res = NULL, *ai;
	char host[256], port[32];
	int64_t deadline = io_now_ms() + smtp_timeout_ms;
	int rc, saved = ECONNREFUSED;

	if (relay_split(s->relay, host, sizeof(host), port, sizeof(port)) < 0)
		return smtp_err(s, "not host:port");
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0)
		return smtp_err(s, "%s", gai_strerror(rc));
	s->fd = -1;
	for (ai = res; ai != NULL && s->fd < 0; ai = ai->ai_next)
		if ((s->fd = connect_one(ai, deadline)) < 0)
			saved = errno;
	freeaddrinfo(res);
	if (s->fd < 0)
		return smtp_err(s, "connect: %s", strerror(saved));
	return MAILER_SENT;
}

/* One reply line (without CRLF) into LINE before DEADLINE.  0, or -1 (err set). */
static int
smtp_line(struct smtp *s, char *line, size_t linelen, int64_t deadline)
{
	char *nl;
	size_t len, keep;
	ssize_t n;
	int w;

	for (;;) {
		nl = memchr(s->in, '\n', s->inlen);
		if ((nl != NULL ? (size_t)(nl - s->in) : s->inlen) >= linelen)
			return smtp_err(s, "reply line longer than %zu bytes",
			    linelen - 1), -1;
		if (nl != NULL) {
			len = (size_t)(nl - s->in);
			keep = len > 0 && s->in[len - 1] == '\r' ? len - 1 : len;
			memcpy(line, s->in, keep);
			line[keep] = '\0';
			s->inlen -= len + 1;
			memmove(s->in, nl + 1, s->inlen);
			return 0;
		}
		if ((w = io_wait_stop(s->fd, POLLIN, deadline,
		    &mailer_stopping)) <= 0)
			return smtp_err(s, "%s", w == 0 ? "timed out waiting "
			    "for a reply" : strerror(errno)), -1;
		n = recv(s->fd, s->in + s->inlen, sizeof(s->in) - s->inlen, 0);
		if (n == 0)
			return smtp_err(s, "connection closed by the relay"), -1;
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return smtp_err(s, "read: %s", strerror(errno)), -1;
		if (n > 0)
			s->inlen += (size_t)n;
	}
}

/* Read a whole (maybe multi-line) reply; its code in *CODE.  0, or -1. */
static int
smtp_reply(struct smtp *s, int *code)
{
	int64_t deadline = io_now_ms() + smtp_timeout_ms;
	char line[SMTP_LINE_MAX];
	int i, c;

	for (i = 0; i < SMTP_LINES_MAX; i++) {
		if (smtp_line(s, line, sizeof(line), deadline) < 0)
			return -1;
		if (line[0] < '2' || line[0] > '5' ||
		    !isdigit((unsigned char)line[1]) ||
		    !isdigit((unsigned char)line[2]) ||
		    (line[3] != '\0' && line[3] != ' ' && line[3] != '-'))
			return smtp_err(s, "malformed reply \"%.60s\"", line), -1;
		c = (line[0] - '0') * 100 + (line[1] - '0') * 10 + line[2] - '0';
		if (i > 0 && c != *code)
			return smtp_err(s, "reply codes %d and %d mixed", *code,
			    c), -1;
		*code = c;
		if (line[3] != '-') {
			memcpy(s->last, line, strlen(line) + 1);
			return 0;
		}
	}
	return smtp_err(s, "reply longer than %d lines", SMTP_LINES_MAX), -1;
}

/*
 * Send CMD (NULL: only read, e.g. the greeting) and read the reply; the
 * class EXPECT (2 or 3) goes on (MAILER_SENT), 4xx and anything odd is
 * MAILER_RETRY, 5xx MAILER_FAIL.
 */
static int
smtp_cmd(struct smtp *s, const char *cmd, int expect, const char *step)
{
	char line[ADDRESS_MAX + 32];
	int n, code;

	if (cmd != NULL) {
		n = snprintf(line, sizeof(line), "%s\r\n", cmd);
		if (n < 0 || (size_t)n >= sizeof(line) ||
		    io_write_all_stop(s->fd, line, (size_t)n, io_now_ms() +
		    smtp_timeout_ms, &mailer_stopping) < 0)
			return smtp_err(s, "%s: write: %s", step, strerror(errno));
	}
	if (smtp_reply(s, &code) < 0)
		return MAILER_RETRY;
	if (code / 100 == expect)
		return MAILER_SENT;
	smtp_err(s, "%s: %s", step, s->last);
	return code / 100 == 5 ? MAILER_FAIL : MAILER_RETRY;
}

static int
out_flush(struct smtp *s)
{
	int rc = io_write_all_stop(s->fd, s->out, s->outlen,
	    io_now_ms() + smtp_timeout_ms, &mailer_stopping);

	secret_wipe(s->out, s->outlen);
	s->outlen = 0;
	return rc;
}

static int
out_put(struct smtp *s, const char *p, size_t n)
{
	size_t k;

	while (n > 0) {
		if (s->outlen == sizeof(s->out) && out_flush(s) < 0)
			return -1;
		k = sizeof(s->out) - s->outlen;
		k = n < k ? n : k;
		memcpy(s->out + s->outlen, p, k);
		s->outlen += k;
		p += k;
		n -= k;
	}
	return 0;
}

/* The message, CRLF line ends, dot-stuffed, then ".". */
static int
smtp_data(struct smtp *s, const char *msg, size_t len)
{
	const char *p = msg, *end = msg + len, *nl;
	size_t n;
	int rc = 0;

	while (p < end && rc == 0) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((nl != NULL ? nl : end) - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (p[0] == '.')
			rc = out_put(s, ".", 1);
		if (rc == 0 && (rc = out_put(s, p, n)) == 0)
			rc = out_put(s, "\r\n", 2);
		p = nl != NULL ? nl + 1 : end;
	}
	if (rc == 0 && (rc = out_put(s, ".\r\n", 3)) == 0)
		rc = out_flush(s);
	secret_wipe(s->out, sizeof(s->out));
	if (rc < 0)
		return smtp_err(s, "sending the message: %s", strerror(errno));
	return MAILER_SENT;
}

/* Our name for EHLO: the host name if it is a dotted domain, else [address]. */
static void
helo_name(int fd, char *name, size_t namelen)
{
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	char host[200], num[80];
	size_t n;

	if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		n = strlen(host);
		if (n > 0 && strchr(host, '.') != NULL && host[0] != '.' &&
		    host[0] != '-' && host[n - 1] != '.' && host[n - 1] != '-' &&
		    strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
		    "QRSTUVWXYZ0123456789.-") == n) {
			snprintf(name, namelen, "%s", host);
			return;
		}
	}
	if (getsockname(fd, (struct sockaddr *)&ss, &sslen) == 0 &&
	    getnameinfo((struct sockaddr *)&ss, sslen, num, sizeof(num), NULL,
	    0, NI_NUMERICHOST) == 0) {
		snprintf(name, namelen, ss.ss_family == AF_INET6 ?
		    "[IPv6:%s]" : "[%s]", num);
		return;
	}
	snprintf(name, namelen, "localhost");
}

static int
smtp_send(const char *relay, const char *rcpt, const char *msg, size_t len,
    char *err, size_t errlen)
{
	struct smtp *s;
	struct address a;
	char cmd[ADDRESS_MAX + 16], name[210];
	int rc;

	if (address_parse(rcpt, ADDRESS_LONG_LOCAL, &a) != ADDRESS_OK) {
		snprintf(err, errlen, "SMTP: not a valid recipient address");
		return MAILER_FAIL;
	}
	s = g_new0(struct smtp, 1);
	s->fd = -1;
	s->relay = relay;
	s->err = err;
	s->errlen = errlen;
	if ((rc = smtp_connect(s)) != MAILER_SENT)
		goto done;
	helo_name(s->fd, name, sizeof(name));
	if ((rc = smtp_cmd(s, NULL, 2, "greeting")) != MAILER_SENT)
		goto done;
	(void)snprintf(cmd, sizeof(cmd), "EHLO %s", name);
	if ((rc = smtp_cmd(s, cmd, 2, "EHLO")) == MAILER_FAIL) {
		(void)snprintf(cmd, sizeof(cmd), "HELO %s", name);
		rc = smtp_cmd(s, cmd, 2, "HELO");
	}
	(void)snprintf(cmd, sizeof(cmd), "RCPT TO:<%s>", a.addr);
	if (rc != MAILER_SENT ||
	    (rc = smtp_cmd(s, "MAIL FROM:<>", 2, "MAIL FROM")) != MAILER_SENT ||
	    (rc = smtp_cmd(s, cmd, 2, "RCPT TO")) != MAILER_SENT ||
	    (rc = smtp_cmd(s, "DATA", 3, "DATA")) != MAILER_SENT ||
	    (rc = smtp_data(s, msg, len)) != MAILER_SENT ||
	    (rc = smtp_cmd(s, NULL, 2, "end of data")) != MAILER_SENT)
		goto done;
	(void)io_write_all_stop(s->fd, "QUIT\r\n", 6, io_now_ms() +
	    smtp_timeout_ms, &mailer_stopping);
	(void)smtp_reply(s, &rc);	/* the message is accepted whatever this says */
	rc = MAILER_SENT;
done:
	if (s->fd >= 0)
		(void)close(s->fd);
	secret_wipe(s, sizeof(*s));
	g_free(s);
	return rc;
}

int
mailer_send(const struct pm_config *cfg, const char *recipient,
    const char *msg, size_t len, char *err, size_t errlen)
{
	int rc;

	if (errlen > 0)
		err[0] = '\0';
	if (atomic_load(&mailer_stopping)) {
		snprintf(err, errlen, "not sent: pinmilter is stopping");
		return MAILER_STOPPED;
	}
	if (cfg->smtp_relay != NULL)
		rc = smtp_send(cfg->smtp_relay, recipient, msg, len, err,
		    errlen);
	else if (cfg->mailer == NULL) {
		snprintf(err, errlen, "no Mailer and no SMTPRelay");
		rc = MAILER_FAIL;
	} else
		rc = mailer_run(cfg->mailer, msg, len, err, errlen);
	if (rc == MAILER_SENT && errlen > 0)
		err[0] = '\0';		/* e.g. EHLO refused, HELO accepted */
	if (rc == MAILER_RETRY && atomic_load(&mailer_stopping)) {
		snprintf(err, errlen, "interrupted: pinmilter is stopping");
		rc = MAILER_STOPPED;
	}
	return rc;
}
