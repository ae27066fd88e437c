/*
 * ctl_common.c - what every pinctl command shares: diagnostics, opening
 * the database and the key, the audit actor, input validation, times,
 * PIN input, JSON and table output.
 *
 * Security: PINs are read from stdin with read(2) one byte at a time
 * into a bounded stack buffer (no stdio buffer keeps a copy), echo off
 * on a terminal, and every copy is wiped.  The key file is loaded by
 * secret_key_load(), which refuses group/other-accessible files, and
 * its fingerprint must match the one pinctl init stored.
 *
 * Diagnostics: ctl_err() writes the one "pinctl: COMMAND: ..." line.
 */
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib.h>

#include "ctl/ctl.h"
#include "util/xalloc.h"
#include "util/address.h"
#include "util/timeconst.h"
#include "util/text.h"

void
ctl_err(const struct ctl *c, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c != NULL && c->what[0] != '\0')
		fprintf(stderr, "pinctl: %s: %s\n", c->what, msg);
	else
		fprintf(stderr, "pinctl: %s\n", msg);
}

int
ctl_store_exit(int rc)
{
	switch (rc) {
	case STORE_OK:
		return CTL_EXIT_OK;
	case STORE_NOTFOUND:
	case STORE_EXISTS:
	case STORE_CONSTRAINT:
	case STORE_INVALID:
		return CTL_EXIT_REFUSED;
	default:
		return CTL_EXIT_USAGE;
	}
}

/* "DOING: what the store said"; FMT says what was being done. */
int
ctl_store_err(const struct ctl *c, int rc, const char *fmt, ...)
{
	char doing[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(doing, sizeof(doing), fmt, ap);
	va_end(ap);
	ctl_err(c, "%s: %s", doing, c->st != NULL ? store_errmsg(c->st) :
	    store_rc_name(rc));
	return ctl_store_exit(rc) == CTL_EXIT_OK ? CTL_EXIT_USAGE :
	    ctl_store_exit(rc);
}

int
ctl_open_store(struct ctl *c, int flags)
{
	char err[512];
	int rc;

	rc = store_open(c->cfg->database, c->cfg->database_timeout * 1000U,
	    flags, &c->st, err, sizeof(err));
	if (rc != STORE_OK) {
		ctl_err(c, "%s", err);	/* names the database */
		return CTL_EXIT_USAGE;
	}
	return CTL_EXIT_OK;
}

int
ctl_open_key(struct ctl *c)
{
	char err[512];

	c->key = secret_key_load(c->cfg->key_file, err, sizeof(err));
	if (c->key == NULL) {
		ctl_err(c, "%s", err);	/* names the key file */
		return CTL_EXIT_USAGE;
	}
	return CTL_EXIT_OK;
}

/* The loaded key must be the one the database was initialised with. */
int
ctl_check_key(struct ctl *c)
{
	switch (store_key_check(c->st, c->key)) {
	case STORE_KEY_OK:
		return CTL_EXIT_OK;
	case STORE_KEY_NONE:
		ctl_err(c, "database %s has no key fingerprint "
		    "(run pinctl init)", c->cfg->database);
		return CTL_EXIT_USAGE;
	case STORE_KEY_MISMATCH:
		ctl_err(c, "key file %s does not match the database %s",
		    c->cfg->key_file, c->cfg->database);
		return CTL_EXIT_USAGE;
	default:
		return ctl_store_err(c, STORE_ERROR,
		    "reading the key fingerprint");
	}
}

/* "pinctl:LOGIN", or "pinctl:SUDO_USER" when root through sudo. */
void
ctl_set_actor(struct ctl *c)
{
	const char *who = NULL, *sudo = getenv("SUDO_USER");
	struct passwd *pw;
	char uid[32];
	size_t i, n;

	if (getuid() == 0 && sudo != NULL && sudo[0] != '\0')
		who = sudo;
	else if ((pw = getpwuid(getuid())) != NULL)
		who = pw->pw_name;
	if (who == NULL) {
		snprintf(uid, sizeof(uid), "uid%lu", (unsigned long)getuid());
		who = uid;
	}
	n = (size_t)snprintf(c->actor, sizeof(c->actor), "pinctl:%s", who);
	if (n >= sizeof(c->actor))
		n = sizeof(c->actor) - 1;
	for (i = 0; i < n; i++)
		if (c->actor[i] <= ' ' || c->actor[i] >= 0x7f)
			c->actor[i] = '?';
}

int
ctl_audit(struct ctl *c, const char *action, const char *email,
    const char *result, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = store_audit_vrecord(c->st, c->now, c->actor, action, email, 0,
	    result, fmt, ap);
	va_end(ap);
	return rc;
}

/* ---- validation ---- */

/*
 * EMAIL as pinctl stores it and looks it up: a plain addr-spec
 * (util/address.h: no local part that needs quotes, no address literal)
 * in its canonical form, into OUT.  false when EMAIL is not one.
 */
bool
ctl_email_canonical(const char *email, char out[STORE_EMAIL_MAX])
{
	struct address a;

	if (address_parse(email, ADDRESS_PLAIN, &a) != ADDRESS_OK)
		return false;
	(void)snprintf(out, STORE_EMAIL_MAX, "%s", a.addr);
	return true;
}

bool
ctl_email_valid(const char *email)
{
	char canon[STORE_EMAIL_MAX];

	return ctl_email_canonical(email, canon);
}

int
ctl_user_find(struct ctl *c, const char *email, struct store_user *u)
{
	char canon[STORE_EMAIL_MAX];

	return store_user_find(c->st, ctl_email_canonical(email, canon) ?
	    canon : email, u);
}

/* UTF-8 text without control characters or surrounding spaces. */
static bool
ctl_text_valid(const char *s, size_t max, bool empty_ok)
{
	size_t len = strlen(s);
	const unsigned char *p;

	if (len >= max || (len == 0 && !empty_ok))
		return false;
	if (!g_utf8_validate(s, (gssize)len, NULL))
		return false;
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return len == 0 || (s[0] != ' ' && s[len - 1] != ' ');
}

bool
ctl_account_valid(const char *s)
{
	return ctl_text_valid(s, STORE_ACCOUNT_MAX, false);
}

bool
ctl_name_valid(const char *s)
{
	return ctl_text_valid(s, STORE_NAME_MAX, true);
}

int
ctl_role_parse(const char *s, enum store_role *out)
{
	if (s == NULL || s[0] == '\0' || strcmp(s, "user") == 0)
		*out = STORE_ROLE_USER;
	else if (strcmp(s, "admin") == 0)
		*out = STORE_ROLE_ADMIN;
	else
		return -1;
	return 0;
}

const char *
ctl_role_name(enum store_role r)
{
	return r == STORE_ROLE_ADMIN ? "admin" : "user";
}

/* ---- numbers and times ---- */

const char *
ctl_time(time_t t, char buf[CTL_TIME_BUF])
{
	struct tm tm;

	if (t == 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, CTL_TIME_BUF, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, CTL_TIME_BUF, "-");
	return buf;
}

int
ctl_parse_number(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (s == NULL || !g_ascii_isdigit(s[0]))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v <= 0)
		return -1;
	*out = v;
	return 0;
}

/* Digits at s[0..n-1] into *v. */
static int
ctl_digits(const char *s, size_t n, int *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!g_ascii_isdigit(s[i]))
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ", UTC, checked by round trip. */
static int
ctl_parse_date(const char *s, time_t *out)
{
	size_t len = strlen(s);
	struct tm tm, back;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if (len != 10 && len != 20)
		return -1;
	if (ctl_digits(s, 4, &tm.tm_year) || s[4] != '-' ||
	    ctl_digits(s + 5, 2, &tm.tm_mon) || s[7] != '-' ||
	    ctl_digits(s + 8, 2, &tm.tm_mday))
		return -1;
	if (len == 20 && (s[10] != 'T' || ctl_digits(s + 11, 2, &tm.tm_hour) ||
	    s[13] != ':' || ctl_digits(s + 14, 2, &tm.tm_min) ||
	    s[16] != ':' || ctl_digits(s + 17, 2, &tm.tm_sec) ||
	    s[19] != 'Z'))
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	back = tm;
	t = timegm(&tm);
	if (t == (time_t)-1 || tm.tm_year != back.tm_year ||
	    tm.tm_mon != back.tm_mon || tm.tm_mday != back.tm_mday ||
	    tm.tm_hour != back.tm_hour || tm.tm_min != back.tm_min ||
	    tm.tm_sec != back.tm_sec)
		return -1;
	*out = t;
	return 0;
}

int
ctl_parse_since(const char *s, time_t now, time_t *out)
{
	size_t len = strlen(s);
	unsigned long unit;
	int64_t n;
	char num[16];

	if (len >= 2 && len < sizeof(num) && strchr("smhd", s[len - 1]) &&
	    s[len - 1] != '\0') {
		memcpy(num, s, len - 1);
		num[len - 1] = '\0';
		if (ctl_parse_number(num, &n) != 0 || n > 36500 * DAY)
			return -1;
		switch (s[len - 1]) {
		case 's': unit = 1; break;
		case 'm': unit = MINUTE; break;
		case 'h': unit = HOUR; break;
		default: unit = DAY; break;
		}
		if ((uint64_t)n > (uint64_t)(36500 * DAY) / unit)
			return -1;
		*out = now - (time_t)n * (time_t)unit;
		return 0;
	}
	return ctl_parse_date(s, out);
}

/* ---- PIN input ---- */

/* Read one line (at most len-1 bytes) byte by byte; -1 error/too long. */
static int
ctl_read_line(int fd, char *buf, size_t len)
{
	size_t n = 0;
	ssize_t r;
	char ch;

	for (;;) {
		r = read(fd, &ch, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0 || ch == '\n')
			break;
		if (n + 1 >= len)
			return -2;
		buf[n++] = ch;
	}
	ch = 0;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return 0;
}

/*
 * Echo off while a PIN is typed at a terminal.  A signal that ends
 * pinctl meanwhile (^C, ^\\, hangup, kill) first puts the terminal back.
 */
static struct termios ctl_tty_saved;
static volatile sig_atomic_t ctl_tty_quiet;
static const int ctl_tty_signals[] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP,
    SIGTSTP };

static void
ctl_tty_signal(int sig)
{
	if (ctl_tty_quiet)
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &ctl_tty_saved);
	(void)signal(sig, SIG_DFL);
	(void)raise(sig);
}

static bool
ctl_tty_echo_off(void)
{
	struct termios quiet;
	size_t i;

	if (!isatty(STDIN_FILENO) ||
	    tcgetattr(STDIN_FILENO, &ctl_tty_saved) != 0)
		return false;
	for (i = 0; i < G_N_ELEMENTS(ctl_tty_signals); i++)
		(void)signal(ctl_tty_signals[i], ctl_tty_signal);
	quiet = ctl_tty_saved;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	fprintf(stderr, "PIN: ");
	fflush(stderr);
	ctl_tty_quiet = 1;
	(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	return true;
}

static void
ctl_tty_echo_on(void)
{
	size_t i;

	(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &ctl_tty_saved);
	ctl_tty_quiet = 0;
	for (i = 0; i < G_N_ELEMENTS(ctl_tty_signals); i++)
		(void)signal(ctl_tty_signals[i], SIG_DFL);
	fprintf(stderr, "\n");
}

int
ctl_read_pin(struct ctl *c, char pin[PIN_BUF])
{
	char line[CTL_PIN_LINE];
	bool tty = ctl_tty_echo_off();
	int r, saved;

	r = ctl_read_line(STDIN_FILENO, line, sizeof(line));
	saved = errno;
	if (tty)
		ctl_tty_echo_on();
	if (r == -1) {
		secret_wipe(line, sizeof(line));
		ctl_err(c, "reading the PIN: %s", strerror(saved));
		return CTL_EXIT_USAGE;
	}
	if (r != 0 || !secret_pin_valid(line)) {
		secret_wipe(line, sizeof(line));
		ctl_err(c, "the PIN must be exactly %d digits", PIN_DIGITS);
		return CTL_EXIT_REFUSED;
	}
	memcpy(pin, line, PIN_BUF);
	secret_wipe(line, sizeof(line));
	return CTL_EXIT_OK;
}

/* ---- output ---- */

/*
 * JSON text with every character text_char_unsafe() names (DEL, C1,
 * bidirectional controls, line separators) written as a \u escape:
 * json-c escapes only C0.  Outside strings JSON text is ASCII, so every
 * such character is inside a string, where the escape means the same.
 */
static char *
ctl_json_escape_unsafe(const char *json)
{
	GString *out = g_string_sized_new(strlen(json) + 16);
	const char *p;

	for (p = json; *p != '\0';) {
		gunichar ch = g_utf8_get_char_validated(p, -1);

		if (ch == (gunichar)-1 || ch == (gunichar)-2) {
			g_string_append_c(out, *p++);	/* not ours to judge */
			continue;
		}
		if (ch >= 0x7f && text_char_unsafe(ch))
			g_string_append_printf(out, "\\u%04x", (unsigned)ch);
		else
			g_string_append_len(out, p, g_utf8_next_char(p) - p);
		p = g_utf8_next_char(p);
	}
	return g_string_free(out, FALSE);
}

void
ctl_json_print(json_object *o)
{
	char *safe = ctl_json_escape_unsafe(xalloc_check((void *)
	    json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_NOSLASHESCAPE), "json-c"));

	printf("%s\n", safe);
	g_free(safe);
	json_object_put(o);
}

json_object *
ctl_json_object(void)
{
	return xalloc_check(json_object_new_object(), "json-c");
}

json_object *
ctl_json_array(void)
{
	return xalloc_check(json_object_new_array(), "json-c");
}

json_object *
ctl_json_str(const char *s)
{
	return xalloc_check(json_object_new_string(s), "json-c");
}

json_object *
ctl_json_int(int64_t v)
{
	return xalloc_check(json_object_new_int64(v), "json-c");
}

json_object *
ctl_json_bool(bool v)
{
	return xalloc_check(json_object_new_boolean(v), "json-c");
}

json_object *
ctl_json_time(time_t t)
{
	char buf[CTL_TIME_BUF];

	if (t == 0)
		return NULL;
	return ctl_json_str(ctl_time(t, buf));
}

void
ctl_json_set(json_object *o, const char *key, json_object *v)
{
	if (json_object_object_add(o, key, v) != 0)
		xalloc_die("json-c");
}

void
ctl_json_append(json_object *a, json_object *v)
{
	if (json_object_array_add(a, v) != 0)
		xalloc_die("json-c");
}

struct ctl_table {
	unsigned ncols;
	GPtrArray *rows;		/* of char *[ncols] (g_strdupv style) */
};

struct ctl_table *
ctl_table_new(unsigned ncols, const char *const *header)
{
	struct ctl_table *t = g_new0(struct ctl_table, 1);

	t->ncols = ncols;
	t->rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	ctl_table_add(t, header);
	return t;
}

void
ctl_table_add(struct ctl_table *t, const char *const *cells)
{
	char **row = g_new0(char *, t->ncols + 1);
	unsigned i;

	for (i = 0; i < t->ncols; i++)	/* never raw customer text */
		row[i] = text_clean_dup(cells[i] != NULL ? cells[i] : "");
	g_ptr_array_add(t->rows, row);
}

static size_t
ctl_width(const char *s)
{
	if (g_utf8_validate(s, -1, NULL))
		return (size_t)g_utf8_strlen(s, -1);
	return strlen(s);
}

void
ctl_table_print(struct ctl_table *t)
{
	size_t w[16] = { 0 };
	unsigned i, j;

	g_assert(t->ncols <= G_N_ELEMENTS(w));
	for (i = 0; i < t->rows->len; i++) {
		char **row = g_ptr_array_index(t->rows, i);

		for (j = 0; j < t->ncols; j++)
			w[j] = MAX(w[j], ctl_width(row[j]));
	}
	for (i = 0; i < t->rows->len; i++) {
		char **row = g_ptr_array_index(t->rows, i);
		unsigned last = t->ncols;

		while (last > 1 && row[last - 1][0] == '\0')
			last--;
		for (j = 0; j < last; j++) {
			fputs(row[j], stdout);
			if (j + 1 < last)
				printf("%*s", (int)(w[j] - ctl_width(row[j]) + 2),
				    "");
		}
		putchar('\n');
	}
}

void
ctl_table_free(struct ctl_table *t)
{
	if (t == NULL)
		return;
	g_ptr_array_free(t->rows, TRUE);
	g_free(t);
}

void
ctl_list_init(const struct ctl *c, struct ctl_list *l, unsigned ncols,
    const char *const *header)
{
	l->table = NULL;
	l->array = NULL;
	if (c->given & CTL_OPT_JSON)
		l->array = ctl_json_array();
	else
		l->table = ctl_table_new(ncols, header);
}

int
ctl_list_done(const struct ctl *c, struct ctl_list *l, int rc,
    const char *doing)
{
	if (rc == STORE_OK && l->array != NULL)
		ctl_json_print(l->array);	/* and drops it */
	else if (rc == STORE_OK)
		ctl_table_print(l->table);
	else
		json_object_put(l->array);
	ctl_table_free(l->table);
	l->array = NULL;
	l->table = NULL;
	if (rc != STORE_OK)
		return ctl_store_err(c, rc, "%s", doing);
	return CTL_EXIT_OK;
}
