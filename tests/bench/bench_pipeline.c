/*
 * bench_pipeline.c - the cost of pinmilter's work on one support message,
 * beside the cost of just parsing it with GMime, in one run, interleaved.
 *
 * For each message shape (a reply with a PIN over a long quote, plain and
 * HTML-only, of 5 KB, 100 KB, 1 MB and 10 MB; each run with a new
 * Message-ID, so none is a repeat) it times, round after round,
 * alternately:
 *   parse:     g_mime_parser over the same bytes (the floor);
 *   read:      parse + message_read (author text, quotes cut) + pin_extract;
 *   pipeline:  pipeline_run (all of the above + verdict with a keyed-hash
 *              check and SQLite writes + case + redaction + edits);
 * and prints microseconds per message (median of the rounds), messages
 * per second and MB/s through the pipeline, and the ratios pipeline/parse
 * and read/parse.  Figures, not a pass/fail test:
 * these machines are noisy, so compare the columns of one run.
 *
 * Usage: bench_pipeline [ROUNDS [PER_ROUND [SHAPE]]]   (defaults 7, 200,
 * every shape; SHAPE 0..7 runs that one only, e.g. under callgrind: 0 is
 * 5 KB plain; larger shapes run PER_ROUND/10, /50, /400 times a round)
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

#define BENCH_MSGID	"Message-ID: <bench-000000000@acme.example>\r\n"

static GString *
make_plain(size_t size)
{
	GString *s = g_string_new("From: Bob <bob@acme.example>\r\n"
	    "To: support@example.com\r\nSubject: Re: forwarding\r\n"
	    BENCH_MSGID
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
	    BENCH_MSGID
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

/* A new Message-ID for each run, so no run is a repeat of another (a
 * repeat is answered from the decisions table, a cheaper path). */
static void
next_msgid(GString *m)
{
	static unsigned long n;
	char *p = strstr(m->str, "<bench-");
	char d[10];

	if (p == NULL)
		return;
	snprintf(d, sizeof(d), "%09lu", ++n % 1000000000UL);
	memcpy(p + 7, d, 9);
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
	(void)pipeline_run(env, &pm, true, &r);
	pipeline_result_clear(&r);
	spool_free(pm.body);
	hdrlist_clear(&pm.headers);
}

#define NSHAPES	8

struct shape {
	char name[32];
	GString *m;
	int per;		/* runs per round */
};

/* 5 KB, 100 KB, 1 MB and 10 MB, plain and HTML; fewer runs when larger. */
static void
make_shapes(struct shape *sh, int per)
{
	static const struct { const char *label; size_t size; int div; } sz[] = {
		{ "5 KB", 5000, 1 }, { "100 KB", 100000, 10 },
		{ "1 MB", 1 << 20, 50 }, { "10 MB", 10 << 20, 400 },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(sz); i++) {
		int n = per / sz[i].div > 0 ? per / sz[i].div : 1;

		snprintf(sh[2 * i].name, sizeof(sh[0].name), "%s plain",
		    sz[i].label);
		sh[2 * i].m = make_plain(sz[i].size);
		sh[2 * i].per = n;
		snprintf(sh[2 * i + 1].name, sizeof(sh[0].name), "%s HTML",
		    sz[i].label);
		sh[2 * i + 1].m = make_html(sz[i].size);
		sh[2 * i + 1].per = n;
	}
}

/* Median microseconds per message of parse, read and pipeline over
 * ROUNDS rounds, the three interleaved in each round. */
static void
time_shape(const struct pipeline_env *env, const struct pm_config *cfg,
    struct shape *sh, int rounds, double med[3])
{
	double t[3][64];
	int k, r, w;

	for (r = 0; r < rounds && r < 64; r++) {
		for (w = 0; w < 3; w++) {
			double t0 = now_us();

			for (k = 0; k < sh->per; k++) {
				next_msgid(sh->m);
				if (w == 0)
					run_parse(sh->m);
				else if (w == 1)
					run_read(sh->m);
				else
					run_pipeline(env, cfg, sh->m);
			}
			t[w][r] = (now_us() - t0) / sh->per;
		}
	}
	for (w = 0; w < 3; w++) {
		qsort(t[w], (size_t)r, sizeof(double), cmp_double);
		med[w] = t[w][r / 2];
	}
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
	struct shape shapes[NSHAPES];
	int i;

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
	cfg->max_failures = 100;	/* stay unlocked, whatever a shape finds */
	env.cfg = cfg;
	env.key = key;
	env.st = st;
	env.now = time(NULL);
	env.tmpl = NULL;		/* no notices: the mail path only */
	log_open("bench", "local7");	/* the per-message line off stderr */

	make_shapes(shapes, per);
	printf("%-14s %9s %10s %10s %11s %9s %8s %9s %9s\n", "shape", "bytes",
	    "parse us", "read us", "pipeline us", "msgs/s", "MB/s",
	    "read/parse", "pipe/parse");
	for (i = 0; i < NSHAPES; i++) {
		double med[3];

		if (argc > 3 && atoi(argv[3]) != i)
			continue;
		time_shape(&env, cfg, &shapes[i], rounds, med);
		printf("%-14s %9zu %10.1f %10.1f %11.1f %9.0f %8.2f %9.2f "
		    "%9.2f\n", shapes[i].name, shapes[i].m->len, med[0], med[1],
		    med[2], 1e6 / med[2], (double)shapes[i].m->len / med[2],
		    med[1] / med[0], med[2] / med[0]);
		fflush(stdout);
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
