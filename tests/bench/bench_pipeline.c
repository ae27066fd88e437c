/*
 * bench_pipeline.c - the cost of pinmilter's work on one support message,
 * beside the cost of just parsing it with GMime, in one run, interleaved.
 *
 * For each message shape (5 KB plain reply with a PIN, 5 KB HTML-only
 * reply, 1 MB plain) it times, round after round, alternately:
 *   parse:     g_mime_parser over the same bytes (the floor);
 *   read:      parse + message_read (author text, quotes cut) + pin_extract;
 *   pipeline:  pipeline_run (all of the above + verdict with a keyed-hash
 *              check and SQLite writes + case + redaction + edits);
 * and prints microseconds per message (median of the rounds) and the
 * ratios pipeline/parse and read/parse.  Figures, not a pass/fail test:
 * these machines are noisy, so compare the columns of one run.
 *
 * Usage: bench_pipeline [ROUNDS [PER_ROUND]]   (defaults 7 and 200)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "pin/auth.h"
#include "util/log.h"
#include "mail/message.h"
#include "pin/pin.h"
#include "filter/pipeline.h"

static char dir[] = "/tmp/pmbench.XXXXXX";

static double
now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static GString *
make_plain(size_t size)
{
	GString *s = g_string_new("From: Bob <bob@acme.example>\r\n"
	    "To: support@example.com\r\nSubject: Re: forwarding\r\n"
	    "Message-ID: <bench@acme.example>\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n\r\n"
	    "Hello, please forward line 2 to my mobile. My PIN is 482913.\r\n\r\n"
	    "On Mon, Jan 8, 2024 Support <support@example.com> wrote:\r\n");
	while (s->len < size)
		g_string_append(s, "> Thank you for your message; we will look "
		    "into the forwarding of line 2 (ext. 204) today.\r\n");
	return s;
}

static GString *
make_html(size_t size)
{
	GString *s = g_string_new("From: Bob <bob@acme.example>\r\n"
	    "To: support@example.com\r\nSubject: Re: forwarding\r\n"
	    "Content-Type: text/html; charset=utf-8\r\n\r\n"
	    "<html><body><div dir=\"ltr\">Hello, please forward line 2."
	    " My <b>PIN</b> is 482&nbsp;913.</div><div class=\"gmail_quote\">"
	    "<blockquote>");
	while (s->len < size)
		g_string_append(s, "<p>Thank you for your message; we will look "
		    "into the forwarding of <i>line 2</i> today.</p>\r\n");
	g_string_append(s, "</blockquote></div></body></html>\r\n");
	return s;
}

static void
run_parse(const GString *m)
{
	GMimeStream *s = g_mime_stream_mem_new_with_buffer(m->str, m->len);
	GMimeParser *p = g_mime_parser_new_with_stream(s);
	GMimeMessage *msg = g_mime_parser_construct_message(p, NULL);

	if (msg)
		g_object_unref(msg);
	g_object_unref(p);
	g_object_unref(s);
}

static void
run_read(const GString *m)
{
	GMimeStream *s = g_mime_stream_mem_new_with_buffer(m->str, m->len);
	struct message_text t;
	struct pin_candidates c;
	GMimeMessage *msg;

	memset(&t, 0, sizeof(t));
	msg = message_parse_stream(s, &t);
	if (msg != NULL && message_read(msg, NULL, &t) == 0)
		pin_extract(t.author, strlen(t.author), 0, &c);
	message_text_clear(&t);
	if (msg)
		g_object_unref(msg);
	g_object_unref(s);
}

static void
run_pipeline(const struct pipeline_env *env, const struct pm_config *cfg,
    const GString *m)
{
	struct pipeline_msg pm;
	struct pipeline_result r;
	size_t off;

	memset(&pm, 0, sizeof(pm));
	hdrlist_init(&pm.headers);
	snprintf(pm.queue_id, sizeof(pm.queue_id), "BENCH");
	hdrlist_parse(&pm.headers, m->str, m->len, &off);
	pm.body = spool_new(cfg->body_memory_limit, cfg->max_message_size, "/tmp");
	spool_append(pm.body, m->str + off, m->len - off);
	pipeline_run(env, &pm, true, &r);
	pipeline_result_clear(&r);
	spool_free(pm.body);
	hdrlist_clear(&pm.headers);
}

int
main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 7;
	int per = argc > 2 ? atoi(argv[2]) : 200;
	struct pm_config *cfg = config_defaults();
	struct pipeline_env env;
	struct secret_key *key;
	struct store *st;
	struct store_user u;
	char err[512], path[256];
	int64_t acct;
	struct { const char *name; GString *m; int per; } shapes[3];
	int i, k, r, w;

	if (rounds < 1 || per < 1 || mkdtemp(dir) == NULL)
		return 2;
	message_init();
	snprintf(path, sizeof(path), "%s/key", dir);
	secret_key_create(path, err, sizeof(err));
	key = secret_key_load(path, err, sizeof(err));
	snprintf(path, sizeof(path), "%s/db", dir);
	if (key == NULL || store_open(path, 5000, STORE_OPEN_CREATE, &st, err,
	    sizeof(err)) != STORE_OK) {
		fprintf(stderr, "bench_pipeline: %s\n", err);
		return 1;
	}
	store_account_add(st, "Acme", time(NULL), &acct);
	memset(&u, 0, sizeof(u));
	u.account_id = acct;
	snprintf(u.email, sizeof(u.email), "bob@acme.example");
	store_user_add(st, &u, time(NULL), &u.id);
	auth_set_pin(st, key, u.id, "482913", "bench", "pin.set", time(NULL));
	cfg->max_failures = 100;	/* the HTML shape fails: stay unlocked */
	env.cfg = cfg;
	env.key = key;
	env.st = st;
	env.now = time(NULL);
	env.tmpl = NULL;		/* no notices: the mail path only */
	log_open("bench", "local7");	/* the per-message line off stderr */

	shapes[0].name = "5 KB plain reply";
	shapes[0].m = make_plain(5000);
	shapes[0].per = per;
	shapes[1].name = "5 KB HTML reply";
	shapes[1].m = make_html(5000);
	shapes[1].per = per;
	shapes[2].name = "1 MB plain";
	shapes[2].m = make_plain(1 << 20);
	shapes[2].per = per / 20 > 0 ? per / 20 : 1;

	printf("%-18s %12s %12s %12s %10s %10s\n", "shape", "parse us",
	    "read us", "pipeline us", "read/parse", "pipe/parse");
	for (i = 0; i < 3; i++) {
		double t[3][64];
		double med[3];

		for (r = 0; r < rounds && r < 64; r++) {
			for (w = 0; w < 3; w++) {
				double t0 = now_us();

				for (k = 0; k < shapes[i].per; k++) {
					if (w == 0)
						run_parse(shapes[i].m);
					else if (w == 1)
						run_read(shapes[i].m);
					else
						run_pipeline(&env, cfg, shapes[i].m);
				}
				t[w][r] = (now_us() - t0) / shapes[i].per;
			}
		}
		for (w = 0; w < 3; w++) {
			qsort(t[w], (size_t)r, sizeof(double), cmp_double);
			med[w] = t[w][r / 2];
		}
		printf("%-18s %12.1f %12.1f %12.1f %10.2f %10.2f\n",
		    shapes[i].name, med[0], med[1], med[2], med[1] / med[0],
		    med[2] / med[0]);
	}
	store_close(st);
	secret_key_free(key);
	config_free(cfg);
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", dir);
	}
	return 0;
}
