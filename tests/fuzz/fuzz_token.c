/*
 * fuzz_token.c - libFuzzer target for case-token parsing: the signed
 * Message-ID and plus-address tokens (core/token.c) and which case a
 * message names (case/casematch.c: In-Reply-To and References msg-ids
 * with comments, quotes and folding; recipients and To/Cc plus
 * addresses; the subject's CaseTag; a CaseRefPattern capture).
 *
 * Each input is read four ways: as a Message-ID (no angle brackets),
 * as what follows "+c-" in a local part (token_check_rcpt() is handed
 * the "+c-" too), as a case number, and as a
 * message header (hdrlist_parse) whose body lines are the envelope
 * recipients, matched under the defaults and under a configuration with
 * a CaseRefPattern.  Then tokens are made for the number the first
 * bytes give and must check back as valid for that number.
 *
 * Traps besides the sanitizers: a token made here that does not check
 * valid with its number; a Message-ID or plus-address check of fuzz
 * bytes that says valid (the key is not in the input: a valid MAC would
 * be a forgery); casematch naming a token case, or a negative case.
 *
 * Build: tests/fuzz/build.sh; run: tests/fuzz/run.sh (README, Testing).
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "case/casematch.h"
#include "core/token.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct secret_key *key;
static struct pm_config *plain, *withref;

static struct pm_config *
load_conf(const char *dir, const char *name, const char *text)
{
	char err[512], *path = g_strdup_printf("%s/%s", dir, name);
	struct pm_config *cfg;

	if (!g_file_set_contents(path, text, -1, NULL) ||
	    (cfg = config_load(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "fuzz_token: %s\n", err);
		exit(1);
	}
	(void)unlink(path);
	g_free(path);
	return cfg;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	unsigned char k[SECRET_KEY_BYTES];
	char dir[256], err[512], *path;
	int fd;

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "%s/fuzz_token.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL || secret_init() != 0)
		exit(1);
	/* a fixed key: a finding replays the same MACs */
	memset(k, 0x5a, sizeof(k));
	path = g_strdup_printf("%s/key", dir);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0 ||
	    write(fd, k, sizeof(k)) != (ssize_t)sizeof(k) || close(fd) != 0 ||
	    (key = secret_key_load(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "fuzz_token: key: %s\n", path);
		exit(1);
	}
	(void)unlink(path);
	g_free(path);
	plain = load_conf(dir, "plain.conf",
	    "SupportAddress support@example.com\n");
	withref = load_conf(dir, "ref.conf",
	    "SupportAddress help@example.com\nSupportAddress "
	    "support@example.org\nCaseTag \"{Ticket %n}\"\n"
	    "CaseRefPattern \"\\\\[(?:ZD|HS)-([0-9A-Za-z]+)\\\\]\"\n");
	(void)rmdir(dir);
	return 0;
}

/* Tokens made for NUMBER check back as valid for NUMBER. */
static void
round_trip(int64_t number)
{
	char *id, *rt, *plus;
	int64_t got = -1;
	size_t len;

	id = token_message_id(key, number, "example.com");
	if (id == NULL)
		__builtin_trap();
	len = strlen(id);
	if (token_check_msgid(key, id + 1, len - 2, &got) != TOKEN_VALID ||
	    got != number)
		__builtin_trap();
	g_free(id);
	rt = token_reply_to(key, number, "support@example.com");
	if (rt == NULL) {
		if (token_reply_to_fits(number, "support@example.com"))
			__builtin_trap();
		return;
	}
	plus = strstr(rt, "+c-");
	got = -1;
	if (plus == NULL || token_check_rcpt(key, plus, rt + strlen(rt),
	    &got) != TOKEN_VALID || got != number)
		__builtin_trap();
	g_free(rt);
}

static void
match(const struct pm_config *cfg, const char *data, size_t size)
{
	struct casematch m;
	struct hdrlist hl;
	const char *rcpts[8], *subject;
	char *body, *line, *save = NULL;
	size_t off = 0, n = 0;

	hdrlist_init(&hl);
	hdrlist_parse(&hl, data, size, &off);
	body = g_strndup(data + off, size - off);
	for (line = strtok_r(body, "\n", &save); line != NULL && n < 8;
	    line = strtok_r(NULL, "\n", &save))
		rcpts[n++] = line;
	subject = hdrlist_get(&hl, "Subject", 1);
	if (subject != NULL && !g_utf8_validate(subject, -1, NULL))
		subject = NULL;
	casematch_parse(key, cfg, &hl, subject, rcpts, n, &m);
	if (m.token_case != 0 || m.how != CASEMATCH_NONE || m.tag_case < 0 ||
	    memchr(m.external_ref, '\0', sizeof(m.external_ref)) == NULL)
		__builtin_trap();
	g_free(body);
	hdrlist_clear(&hl);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char *plus;
	int64_t number = 0;
	uint64_t u = 0;
	size_t i;

	if (token_check_msgid(key, s, size, &number) == TOKEN_VALID)
		__builtin_trap();
	plus = g_malloc(size + 3);	/* the caller has seen "+c-" */
	memcpy(plus, "+c-", 3);
	memcpy(plus + 3, data, size);
	if (token_check_rcpt(key, plus, plus + size + 3, &number) ==
	    TOKEN_VALID)
		__builtin_trap();
	g_free(plus);
	if (token_number_parse(s, size, &number) == 0 && number < 0)
		__builtin_trap();
	if (token_digits(s, s + size) > size)
		__builtin_trap();
	match(plain, s, size);
	match(withref, s, size);
	for (i = 0; i < 8 && i < size; i++)
		u = u << 8 | data[i];
	round_trip((int64_t)(u & INT64_MAX));
	return 0;
}
