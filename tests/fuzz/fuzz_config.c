/*
 * fuzz_config.c - libFuzzer target for the configuration parser: each
 * input is a pinmilter.conf, written to a temporary file and read by
 * config_load() (lines, comments, quotes, every typed key: numbers,
 * durations, sizes, booleans, addresses, lists, regular expressions,
 * helpdesk presets, header templates).
 *
 * What loads is written back with config_dump() ("pinmilter -n -v"),
 * and that dump must load again and dump the same text (the dump is a
 * fixed point).  The loaded configuration is also asked the questions
 * the milter asks of it: is "support+x@example.com" a support address,
 * the subject tag of a case, a deprecated key.
 *
 * Traps besides the sanitizers: a configuration that loads but whose
 * dump does not load, or dumps differently; a refusal without an error
 * line.
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

#include "core/config.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[256];
static char *conf, *conf2;

static void
cleanup(void)
{
	(void)unlink(conf);
	(void)unlink(conf2);
	(void)rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "%s/fuzz_config.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror(dir);
		exit(1);
	}
	conf = g_strdup_printf("%s/a.conf", dir);
	conf2 = g_strdup_printf("%s/b.conf", dir);
	atexit(cleanup);
	return 0;
}

static char *
dump(const struct pm_config *cfg, size_t *len)
{
	char *buf = NULL;
	FILE *fp = open_memstream(&buf, len);

	if (fp == NULL)
		abort();
	config_dump(cfg, fp);
	if (fclose(fp) != 0)
		abort();
	return buf;
}

static void
questions(const struct pm_config *cfg)
{
	char *tag;

	(void)config_is_support_address(cfg, "support+x@example.com");
	(void)config_is_support_address(cfg, "<\"Support\"@Example.COM.>");
	tag = config_case_tag(cfg, 100042);
	if (tag == NULL)
		__builtin_trap();
	g_free(tag);
	(void)config_deprecated(cfg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pm_config *cfg, *again;
	char err[1024], *d1, *d2;
	size_t n1, n2;

	if (!g_file_set_contents(conf, (const char *)data, (gssize)size, NULL))
		abort();
	err[0] = '\0';
	if ((cfg = config_load(conf, err, sizeof(err))) == NULL) {
		if (err[0] == '\0')
			__builtin_trap();
		return 0;
	}
	questions(cfg);
	d1 = dump(cfg, &n1);
	if (!g_file_set_contents(conf2, d1, (gssize)n1, NULL))
		abort();
	if ((again = config_load(conf2, err, sizeof(err))) == NULL) {
		fprintf(stderr, "dump does not load: %s\n", err);
		__builtin_trap();
	}
	d2 = dump(again, &n2);
	if (n1 != n2 || memcmp(d1, d2, n1) != 0) {
		fprintf(stderr, "dump differs:\n%s\n---\n%s\n", d1, d2);
		__builtin_trap();
	}
	free(d1);
	free(d2);
	config_free(again);
	config_free(cfg);
	return 0;
}
