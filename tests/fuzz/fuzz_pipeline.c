/*
 * fuzz_pipeline.c - libFuzzer target for the whole message pipeline: each
 * input is one message (header and body, as "pinmilter -t" reads a file)
 * run through pipeline_run() over a real SQLite store, as the milter does
 * it: MIME walk, charset conversion, HTML to text, quote cutting, PIN
 * extraction, the sender, the verdict with keyed-hash checks and failure
 * counters, case matching (tokens, tags), casework and the notice queued
 * in the outbox, redaction, the header edits; then the edits are applied
 * to the message's header list (as tryout.c does).
 *
 * The store: two accounts, acme-dental.example (bob, PIN 482913, user;
 * alice, PIN 135790, admin; carol, no PIN) and boulangerie-martin.example
 * (jean, PIN 975310) - the users of tests/corpus, so its messages are
 * good seeds.  Every input starts from the same database (a copy of a
 * template made once) at the same time, so a finding replays alone.
 * The notice templates are the shipped ones (conf/templates, set at
 * build time); the Mailer never runs (notices are only queued).
 *
 * Before the pipeline the input is also read alone with small limits
 * (message_read: depth 8, 32 parts, 16 KB of text) and the result
 * checked: valid UTF-8, within the limits.
 *
 * Traps besides the sanitizers: a return other than 0/-1; a verdict or
 * x-pin without a name; "authenticated" for a message that does not
 * name one of the users' domains at all; edits that do not apply.
 * Not covered: libmilter itself (the milter's callbacks only collect
 * what pipeline_msg holds), the outbox worker and the Mailer.
 *
 * Build: tests/fuzz/build.sh; run: tests/fuzz/run.sh (README, Testing).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <gmime/gmime.h>

#include "filter/helpdesk.h"
#include "filter/pipeline.h"
#include "mail/message.h"
#include "notice/notice.h"
#include "pin/auth.h"
#include "util/log.h"

#ifndef FUZZ_TEMPLATE_DIR
#define FUZZ_TEMPLATE_DIR "conf/templates"
#endif
#define FUZZ_NOW	((time_t)1764900000)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[256];
static char dbpath[300];
static struct pm_config *cfg;
static struct secret_key *key;
static struct notice_templates *tmpl;
static gchar *template_db;
static gsize template_len;

static void
die(const char *what, const char *err)
{
	fprintf(stderr, "fuzz_pipeline: %s: %s\n", what, err);
	exit(1);
}

static void
cleanup(void)
{
	char *cmd = g_strdup_printf("rm -rf '%s'", dir);

	if (dir[0] != '\0' && system(cmd) != 0)
		fprintf(stderr, "fuzz_pipeline: cannot remove %s\n", dir);
	g_free(cmd);
}

static void
add_user(struct store *st, int64_t acct, const char *email,
    enum store_role role, const char *pin)
{
	struct store_user u;

	memset(&u, 0, sizeof(u));
	u.account_id = acct;
	u.role = role;
	snprintf(u.email, sizeof(u.email), "%s", email);
	if (store_user_add(st, &u, FUZZ_NOW - 86400, &u.id) != STORE_OK)
		die("store_user_add", email);
	if (pin != NULL && auth_set_pin(st, key, u.id, pin, "fuzz", "pin.set",
	    FUZZ_NOW - 86400) != 0)
		die("auth_set_pin", email);
}

/* The template database: made once, copied before each input. */
static void
make_template(void)
{
	struct store *st;
	char err[512], *path = g_strdup_printf("%s/template.db", dir);
	int64_t acme, boul;

	if (store_open(path, 1000, STORE_OPEN_CREATE, &st, err,
	    sizeof(err)) != STORE_OK)
		die("store_open", err);
	if (store_account_add(st, "acme-dental", FUZZ_NOW - 86400, &acme) !=
	    STORE_OK || store_account_add(st, "boulangerie-martin",
	    FUZZ_NOW - 86400, &boul) != STORE_OK)
		die("store_account_add", "failed");
	add_user(st, acme, "bob@acme-dental.example", STORE_ROLE_USER,
	    "482913");
	add_user(st, acme, "alice@acme-dental.example", STORE_ROLE_ADMIN,
	    "135790");
	add_user(st, acme, "carol@acme-dental.example", STORE_ROLE_USER, NULL);
	add_user(st, boul, "jean@boulangerie-martin.example", STORE_ROLE_USER,
	    "975310");
	store_close(st);
	if (!g_file_get_contents(path, &template_db, &template_len, NULL))
		die("read", path);
	g_free(path);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	char err[1024], *conf, *text;

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "%s/fuzz_pipeline.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		die("mkdtemp", dir);
	atexit(cleanup);
	snprintf(dbpath, sizeof(dbpath), "%s/pinmilter.db", dir);
	conf = g_strdup_printf("%s/pinmilter.conf", dir);
	text = g_strdup_printf("Database %s\nKeyFile %s/pinmilter.key\n"
	    "SupportAddress support@example.com\nAuthservID mx.example.com\n"
	    "TemplateDir %s\nSyslog no\nTempDir %s\n"
	    "MaxFailures 3\nMaxMimeParts 64\n", dbpath, dir, FUZZ_TEMPLATE_DIR,
	    dir);
	if (!g_file_set_contents(conf, text, -1, NULL))
		die("write", conf);
	if ((cfg = config_load(conf, err, sizeof(err))) == NULL)
		die("config", err);
	if (secret_key_create(cfg->key_file, err, sizeof(err)) != 0 ||
	    (key = secret_key_load(cfg->key_file, err, sizeof(err))) == NULL)
		die("key", err);
	if ((tmpl = notice_templates_load(cfg->template_dir,
	    cfg->notice_language, err, sizeof(err))) == NULL)
		die("templates", err);
	if (log_open_file("fuzz", "/dev/null", err, sizeof(err)) != 0)
		die("log", err);
	message_init();
	make_template();
	g_free(conf);
	g_free(text);
	return 0;
}

/* A fresh copy of the template database, opened. */
static struct store *
fresh_store(void)
{
	struct store *st;
	char err[512], side[320];

	snprintf(side, sizeof(side), "%s-wal", dbpath);
	(void)unlink(side);
	snprintf(side, sizeof(side), "%s-shm", dbpath);
	(void)unlink(side);
	if (!g_file_set_contents(dbpath, template_db, (gssize)template_len,
	    NULL))
		die("write", dbpath);
	if (store_open(dbpath, 1000, 0, &st, err, sizeof(err)) != STORE_OK)
		die("store_open", err);
	return st;
}

/* The message read alone with small limits (as fuzz_message did). */
static void
read_alone(const uint8_t *data, size_t size)
{
	struct message_limits lim = { 8, 32, 16 * 1024 };
	struct message_text t;
	GMimeStream *s;
	GMimeMessage *m;

	memset(&t, 0, sizeof(t));
	s = g_mime_stream_mem_new_with_buffer((const char *)data, size);
	m = message_parse_stream(s, &t);
	g_object_unref(s);
	if (m == NULL) {
		message_text_clear(&t);
		return;
	}
	if (message_read(m, &lim, &t) != 0)
		__builtin_trap();
	if (t.author == NULL || !g_utf8_validate(t.author, -1, NULL) ||
	    strlen(t.author) > lim.max_text || t.parts > lim.max_parts ||
	    t.depth > lim.max_depth)
		__builtin_trap();
	if (t.subject != NULL && !g_utf8_validate(t.subject, -1, NULL))
		__builtin_trap();
	message_text_clear(&t);
	g_object_unref(m);
}

/* Does the input name one of the users' domains anywhere (any case)? */
static bool
names_a_user_domain(const uint8_t *data, size_t size)
{
	char *low = g_malloc(size + 1);
	size_t i;
	bool yes;

	for (i = 0; i < size; i++)
		low[i] = data[i] == '\0' ? ' ' : g_ascii_tolower((char)data[i]);
	low[size] = '\0';
	yes = strstr(low, "acme-dental.example") != NULL ||
	    strstr(low, "boulangerie-martin.example") != NULL;
	g_free(low);
	return yes;
}

static void
check(const struct pipeline_result *r, int rc, const uint8_t *data,
    size_t size, struct hdrlist *all)
{
	if (rc != 0 && rc != -1)
		__builtin_trap();
	if (verdict_auth_name(r->verdict.auth) == NULL ||
	    verdict_pin_name(r->verdict.pin) == NULL)
		__builtin_trap();
	if (r->verdict.auth == VERDICT_AUTHENTICATED &&
	    !names_a_user_domain(data, size))
		__builtin_trap();
	if (rc == 0 && r->reject == NULL && edits_apply(&r->edits, all) != 0)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pipeline_env env = { cfg, key, NULL, FUZZ_NOW, NULL };
	const char *rcpts[] = { "<support@example.com>" };
	struct pipeline_msg msg;
	struct pipeline_result r;
	struct hdrlist all;
	size_t body_off = 0;
	int rc;

	read_alone(data, size);

	env.st = fresh_store();
	env.tmpl = tmpl;
	memset(&msg, 0, sizeof(msg));
	snprintf(msg.queue_id, sizeof(msg.queue_id), "FUZZ");
	msg.env_sender = "<bob@acme-dental.example>";
	msg.rcpts = rcpts;
	msg.nrcpts = 1;
	hdrlist_init(&msg.headers);
	hdrlist_set_keep(&msg.headers, helpdesk_stripped, cfg);
	hdrlist_init_unbounded(&all);
	hdrlist_parse(&msg.headers, (const char *)data, size, &body_off);
	hdrlist_parse(&all, (const char *)data, size, &body_off);
	msg.body = spool_new(cfg->body_memory_limit, cfg->max_message_size,
	    cfg->temp_dir);
	if (spool_append(msg.body, data + body_off, size - body_off) != 0)
		__builtin_trap();
	rc = pipeline_run(&env, &msg, true, &r);
	check(&r, rc, data, size, &all);
	pipeline_result_clear(&r);
	spool_free(msg.body);
	hdrlist_clear(&msg.headers);
	hdrlist_clear(&all);
	store_close(env.st);
	return 0;
}
