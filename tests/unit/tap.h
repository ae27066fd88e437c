/*
 * tap.h - a minimal Test Anything Protocol emitter for the unit tests.
 *
 * Each check prints "ok N - what" or "not ok N - what" with the file and
 * line of a failure on a "#" line; tap_done() prints the plan and returns
 * the exit status.  automake's tap-driver.sh counts the results.
 */
#ifndef PM_TAP_H
#define PM_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static void __attribute__((format(printf, 4, 5), unused))
tap_check(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	char desc[512], *p;

	tap_n++;
	if (!cond)
		tap_failed++;
	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	for (p = desc; *p; p++)		/* one TAP line whatever the text */
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	printf("%sok %d - %s\n", cond ? "" : "not ", tap_n, desc);
	if (!cond)
		printf("#   failed at %s:%d\n", file, line);
	fflush(stdout);
}

#define ok(cond, ...) tap_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

/* Exact comparisons that print what was seen on failure. */
#define is_int(got, want, ...) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	tap_check(g_ == w_, __FILE__, __LINE__, __VA_ARGS__); \
	if (g_ != w_) printf("#   got %lld, want %lld\n", g_, w_); \
} while (0)

#define is_str(got, want, ...) do { \
	const char *g_ = (got), *w_ = (want); \
	int e_ = (g_ && w_) ? strcmp(g_, w_) == 0 : g_ == w_; \
	tap_check(e_, __FILE__, __LINE__, __VA_ARGS__); \
	if (!e_) printf("#   got \"%s\", want \"%s\"\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
} while (0)

/* A check not run here, with the reason: counts as passed. */
static void __attribute__((unused))
tap_skip(const char *why)
{
	printf("ok %d # SKIP %s\n", ++tap_n, why);
	fflush(stdout);
}

static int __attribute__((unused))
tap_done(void)
{
	printf("1..%d\n", tap_n);
	if (tap_failed)
		printf("# %d of %d failed\n", tap_failed, tap_n);
	return tap_failed ? 1 : 0;
}

#endif
