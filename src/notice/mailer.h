/*
 * mailer.h - hand one finished notice to the mail system.
 *
 * Two ways, chosen by the configuration:
 * - SMTPRelay host:port set: a small SMTP client (EHLO, MAIL FROM:<>,
 *   RCPT TO:<recipient>, DATA, QUIT), 30 seconds per step;
 * - else Mailer: the program and its arguments, split on white space and
 *   run with execve (never a shell), the message on its standard input
 *   with LF line ends (the default "/usr/sbin/sendmail -f <> -t -i" reads the
 *   recipient from the To: field; the recipient is not put on argv),
 *   60 seconds at most.
 * mailer_send() blocks: call it from the outbox worker, never from a
 * milter callback.  It is safe to call from several threads.
 */
#ifndef PM_MAILER_H
#define PM_MAILER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"

enum mailer_rc {
	MAILER_SENT = 0,	/* accepted by the mail system */
	MAILER_RETRY,		/* temporary: try again later */
	MAILER_FAIL,		/* permanent: give up on this notice */
	MAILER_STOPPED,		/* cut short by mailer_stop(): not an attempt */
};

#define MAILER_ARGS_MAX	32	/* words in Mailer */

/*
 * Send MSG (LEN bytes, CRLF or LF line ends) to RECIPIENT.  On RETRY or
 * FAIL, err holds one printable line saying why (never message text).
 *
 * Mailer: exit 0 -> SENT; exit 75 (EX_TEMPFAIL) or 71 (EX_OSERR), a
 * signal, the timeout (the program and its process group are killed) or
 * a program that cannot be started -> RETRY; the other sysexits(3) codes
 * 64-78 (usage, data, no user, no permission, config...) -> FAIL, as
 * Postfix maps them to 5.x.x; any other exit code -> RETRY.
 * SMTP: the final reply to DATA 2xx -> SENT; a 4xx reply at any step, a
 * connection failure, a timeout or a malformed reply -> RETRY; a 5xx
 * reply -> FAIL.
 * Either: a send cut short by mailer_stop(true), or started after it,
 * -> STOPPED (a 5xx reply or exit code already read stays FAIL).
 */
int mailer_send(const struct pm_config *cfg, const char *recipient,
    const char *msg, size_t len, char *err, size_t errlen);

/*
 * Ask every send in progress, in any thread, to give up within about
 * IO_STOP_STEP_MS (util/io.h: a Mailer program is killed, an SMTP
 * connection closed), and every send started after it to return at once,
 * with MAILER_STOPPED; mailer_stop(false) lets sends run again.  The
 * notice of a stopped send may or may not have been delivered: send it
 * again later (at least once).  Safe from any thread.
 */
void mailer_stop(bool stop);

/* A short name for a mailer_rc ("sent", "retry", "fail"). */
const char *mailer_rc_name(int rc);

/*
 * Tests only: override the Mailer timeout and the SMTP step timeout, in
 * milliseconds (0: keep the default).  Not for production use; not
 * thread-safe against a send in progress.
 */
void mailer_set_timeouts_for_tests(unsigned mailer_ms, unsigned smtp_ms);

#endif
