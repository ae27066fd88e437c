/*
 * tryout.c - pinmilter -t: read a message file, split it the way the
 * MTA hands a message to the milter, run the same pipeline, apply the
 * same edits, print the result.  The database is the configured one:
 * verifications count and are audited, cases are opened and notices
 * queued (sent by a running daemon's worker), as for real mail.
 *
 * The key file must belong to the database, as for the daemon and -n
 * (check_key_matches, on a read-only connection first): with another key
 * a right PIN would count as a wrong guess and a new PIN would be stored
 * under a hash no daemon can verify.  The header is split as the MTA
 * splits it (hdrlist_parse: "From :" is a From field).
 *
 * The pipeline sees the header with the milter's limits (hdrlist.c), as
 * the milter would; the printed copy holds every field of the file, and
 * the same edits (by field name and index) are applied to it.
 *
 * Diagnostics: errors on stderr, one line, "pinmilter: -t: ..."; the
 * per-message log line goes to stderr as well.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "mail/hdrlist.h"
#include "util/log.h"
#include "mail/message.h"
#include "notice/notice.h"
#include "filter/helpdesk.h"
#include "filter/pipeline.h"
#include "milter/check.h"
#include "milter/tryout.h"

static GByteArray *
read_all(const char *file)
{
	GByteArray *ba = g_byte_array_new();
	char buf[65536];
	ssize_t n;
	int fd = strcmp(file, "-") == 0 ? 0 : open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		goto fail;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		g_byte_array_append(ba, (const guint8 *)buf, (guint)n);
	}
	if (fd != 0)
		close(fd);
	return ba;
fail:
	fprintf(stderr, "pinmilter: -t: %s: %s\n", file, strerror(errno));
	if (fd > 0)
		close(fd);
	g_byte_array_free(ba, TRUE);
	return NULL;
}

/*
 * Does KEY belong to the database, as the daemon and -n require
 * (check_key_matches)?  Checked on a read-only connection before the
 * database is opened for writing, so a wrong key changes nothing: no
 * migration, no guess counted, no PIN stored that no daemon can verify.
 */
static int
tryout_key_check(const struct pm_config *cfg, const struct secret_key *key)
{
	struct store *st;
	char err[1024];
	int rc;

	if (store_open(cfg->database, cfg->database_timeout * 1000,
	    STORE_OPEN_READONLY, &st, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "pinmilter: -t: Database %s: %s\n",
		    cfg->database, err);
		return -1;
	}
	rc = check_key_matches(st, key, cfg->key_file, err, sizeof(err));
	store_close(st);
	if (rc != 0)
		fprintf(stderr, "pinmilter: -t: KeyFile %s: %s: nothing "
		    "done\n", cfg->key_file, err);
	return rc;
}

static int
tryout_print(FILE *out, const struct hdrlist *hl, const struct edits *e,
    const GByteArray *raw, size_t body_off)
{
	if (hdrlist_write(hl, out) != 0 || fputc('\n', out) == EOF)
		return -1;
	if (e->body != NULL) {
		if (fwrite(e->body, 1, e->body_len, out) != e->body_len)
			return -1;
	} else if (raw->len > body_off &&
	    fwrite(raw->data + body_off, 1, raw->len - body_off, out) !=
	    raw->len - body_off) {
		return -1;
	}
	return fflush(out) == 0 ? 0 : -1;
}

/*
 * What -t does with the pipeline's result PRC and R: say why the message
 * would be refused, or print it as it would be delivered.  Returns the
 * exit status.
 */
static int
tryout_outcome(const struct pm_config *cfg, int prc,
    struct pipeline_result *r, struct hdrlist *all, const GByteArray *raw,
    size_t body_off, FILE *out)
{
	if (prc == 0 && r->reject != NULL) {
		fprintf(stderr, "pinmilter: -t: the message would be rejected: %s\n",
		    r->reject);
		return TRYOUT_EXIT_REJECT;
	}
	if (prc != 0 && r->unsafe &&
	    cfg->on_internal_error == PM_ON_ERROR_ACCEPT) {
		fprintf(stderr, "pinmilter: -t: a PIN would be delivered: the "
		    "message would be tempfailed\n");
		return TRYOUT_EXIT_TEMPFAIL;
	}
	if (prc != 0 && cfg->on_internal_error != PM_ON_ERROR_ACCEPT) {
		fprintf(stderr, "pinmilter: -t: internal error: the message would "
		    "be %s (OnInternalError)\n",
		    cfg->on_internal_error == PM_ON_ERROR_REJECT ?
		    "rejected" : "tempfailed");
		return cfg->on_internal_error == PM_ON_ERROR_REJECT ?
		    TRYOUT_EXIT_REJECT : TRYOUT_EXIT_TEMPFAIL;
	}
	if (edits_apply(&r->edits, all) != 0 ||
	    tryout_print(out, all, &r->edits, raw, body_off) != 0) {
		fprintf(stderr, "pinmilter: -t: cannot write the result: %s\n",
		    strerror(errno));
		return TRYOUT_EXIT_ERROR;
	}
	if (r->edits.rcpt_add != NULL)
		fprintf(stderr, "pinmilter: -t: delivered to %s "
		    "(VerifiedRecipient) instead of the support address\n",
		    r->edits.rcpt_add);
	return 0;
}

int
tryout_run(const struct pm_config *cfg, const char *file, FILE *out)
{
	struct pipeline_env env = { cfg, NULL, NULL, time(NULL), NULL };
	struct notice_templates *tmpl = NULL;
	struct pipeline_msg msg;
	struct pipeline_result r;
	struct hdrlist all;		/* every field, for printing */
	GByteArray *raw;
	size_t body_off = 0;
	char err[1024];
	int rc = TRYOUT_EXIT_ERROR, prc;

	memset(&msg, 0, sizeof(msg));
	hdrlist_init(&msg.headers);
	hdrlist_set_keep(&msg.headers, helpdesk_stripped, cfg);
	hdrlist_init_unbounded(&all);
	snprintf(msg.queue_id, sizeof(msg.queue_id), "tryout");
	if ((raw = read_all(file)) == NULL)
		return TRYOUT_EXIT_ERROR;
	if ((env.key = secret_key_load(cfg->key_file, err, sizeof(err))) == NULL) {
		fprintf(stderr, "pinmilter: -t: %s\n", err);
		goto done;
	}
	if (tryout_key_check(cfg, env.key) != 0)
		goto done;
	if (store_open(cfg->database, cfg->database_timeout * 1000, 0, &env.st,
	    err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "pinmilter: -t: %s\n", err);
		goto done;
	}
	if (notice_templates_present(cfg) &&
	    (tmpl = notice_templates_load(cfg->template_dir,
	    cfg->notice_language, err, sizeof(err))) == NULL) {
		fprintf(stderr, "pinmilter: -t: TemplateDir: %s\n", err);
		goto done;
	}
	env.tmpl = tmpl;
	message_init();
	hdrlist_parse(&msg.headers, (const char *)raw->data, raw->len,
	    &body_off);
	hdrlist_parse(&all, (const char *)raw->data, raw->len, &body_off);
	msg.body = spool_new(cfg->body_memory_limit, cfg->max_message_size,
	    cfg->temp_dir);
	if (spool_append(msg.body, raw->data + body_off,
	    raw->len - body_off) != 0) {
		fprintf(stderr, "pinmilter: -t: %s: cannot hold the message: %s\n",
		    file, strerror(errno));
		goto done;
	}
	prc = pipeline_run(&env, &msg, false, &r);
	rc = tryout_outcome(cfg, prc, &r, &all, raw, body_off, out);
	pipeline_result_clear(&r);
done:
	spool_free(msg.body);
	hdrlist_clear(&msg.headers);
	hdrlist_clear(&all);
	store_close(env.st);
	notice_templates_free(tmpl);
	secret_key_free((struct secret_key *)env.key);
	explicit_bzero(raw->data, raw->len);
	g_byte_array_free(raw, TRUE);
	return rc;
}
