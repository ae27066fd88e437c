/*
 * config_value.c - one value of pinmilter.conf into its field: numbers,
 * durations and sizes with their ranges, yes/no, the error action,
 * lists, and text values after their check (config_check.c).
 *
 * Security: every number is parsed with an overflow check and then its
 * key's range; lists hold at most CFG_LIST_MAX values (word lists
 * CFG_LEXICON_MAX) of at most CFG_VALUE_MAX bytes each.  The words of a
 * word list are stored folded (util/fold.h) and sorted, as the intent
 * classifier searches them.
 *
 * Diagnostics: each parser returns 0, or -1 with one reason in WHY.
 */
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

#include "core/config_keys.h"
#include "util/address.h"
#include "util/fold.h"
#include "util/timeconst.h"

/*
 * Numbers, durations and sizes.
 */

/* Digits at *S into *OUT, at most LIMIT; advance *S.  0 ok, -1 bad. */
int
cfg_parse_digits(const char **s, unsigned long long limit,
    unsigned long long *out)
{
	unsigned long long v = 0;
	const char *p = *s;

	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (limit - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*s = p;
	*out = v;
	return 0;
}

/* Multiply V by UNIT unless the product passes LIMIT.  0 ok, -1 bad. */
static int
cfg_scale(unsigned long long v, unsigned long long unit,
    unsigned long long limit, unsigned long long *out)
{
	if (v > limit / unit)
		return -1;
	*out = v * unit;
	return 0;
}

int
config_parse_duration(const char *s, unsigned *out)
{
	unsigned long long v, unit = 1;

	if (s == NULL || cfg_parse_digits(&s, UINT_MAX, &v) == -1)
		return -1;
	switch (tolower((unsigned char)*s)) {
	case '\0':
		break;
	case 's':
		break;
	case 'm':
		unit = MINUTE;
		break;
	case 'h':
		unit = HOUR;
		break;
	case 'd':
		unit = DAY;
		break;
	default:
		return -1;
	}
	if (*s != '\0' && s[1] != '\0')
		return -1;
	if (cfg_scale(v, unit, UINT_MAX, &v) == -1)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int
config_parse_size(const char *s, size_t *out)
{
	unsigned long long v, unit = 1;

	if (s == NULL || cfg_parse_digits(&s, SIZE_MAX, &v) == -1)
		return -1;
	switch (tolower((unsigned char)*s)) {
	case '\0':
		break;
	case 'k':
		unit = KB;
		break;
	case 'm':
		unit = MB;
		break;
	case 'g':
		unit = GB;
		break;
	default:
		return -1;
	}
	if (*s != '\0' && s[1] != '\0')
		return -1;
	if (cfg_scale(v, unit, SIZE_MAX, &v) == -1)
		return -1;
	*out = (size_t)v;
	return 0;
}

/* Write V as the key's type shows it: "15m", "50M", "7". */
const char *
cfg_format_number(enum cfg_type type, unsigned long long v, char *buf,
    size_t size)
{
	static const struct {
		unsigned long long unit;
		char suffix;
	} dur[] = { { DAY, 'd' }, { HOUR, 'h' }, { MINUTE, 'm' } },
	  sz[] = { { GB, 'G' }, { MB, 'M' }, { KB, 'k' } };
	size_t i;

	if (v != 0 && type == CFG_DURATION) {
		for (i = 0; i < 3; i++)
			if (v % dur[i].unit == 0)
				break;
		if (i == 3)
			(void)snprintf(buf, size, "%llus", v);
		else
			(void)snprintf(buf, size, "%llu%c", v / dur[i].unit,
			    dur[i].suffix);
		return buf;
	}
	if (v != 0 && type == CFG_SIZE) {
		for (i = 0; i < 3; i++)
			if (v % sz[i].unit == 0) {
				(void)snprintf(buf, size, "%llu%c",
				    v / sz[i].unit, sz[i].suffix);
				return buf;
			}
	}
	(void)snprintf(buf, size, "%llu", v);
	return buf;
}

/* Does V look like digits and at most one of SUFFIXES (any case)? */
static int
cfg_number_shape(const char *v, const char *suffixes)
{
	size_t n = strspn(v, "0123456789");

	if (n == 0)
		return 0;
	if (v[n] == '\0')
		return 1;
	return v[n + 1] == '\0' &&
	    strchr(suffixes, tolower((unsigned char)v[n])) != NULL;
}

/*
 * Storing values.
 */

int
cfg_set_string(char **field, const char *v, struct cfg_why *why)
{
	(void)why;
	g_free(*field);
	*field = g_strdup(v);
	return 0;
}

void
cfg_list_clear(struct pm_strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		g_free(l->v[i]);
	g_free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Append ITEM unless the list has it already (any case); at most MAX. */
static int
cfg_list_add(struct pm_strlist *l, const char *item, size_t max,
    struct cfg_why *why)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcasecmp(l->v[i], item) == 0)
			return 0;
	if (l->n >= max) {
		cfg_why_set(why, "more than %zu values", max);
		return -1;
	}
	l->v = g_renew(char *, l->v, l->n + 2);
	l->v[l->n++] = g_strdup(item);
	l->v[l->n] = NULL;
	return 0;
}

static int
cfg_cmp_word(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A word list in strcmp order, for bsearch. */
static void
cfg_lexicon_sort(struct pm_strlist *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(l->v[0]), cfg_cmp_word);
}

/* A word of a word list, folded, into LIST. */
static int
cfg_lexicon_add(struct pm_strlist *l, const char *item, struct cfg_why *why)
{
	char *folded;
	int rc;

	if (cfg_check_word(item, why) == -1)
		return -1;
	folded = fold_text(item, strlen(item));
	rc = cfg_list_add(l, folded, CFG_LEXICON_MAX, why);
	fold_free(folded);
	return rc;
}

int
cfg_lexicon_merge(struct pm_strlist *to, const struct pm_strlist *from,
    struct cfg_why *why)
{
	size_t i;

	for (i = 0; i < from->n; i++)
		if (cfg_list_add(to, from->v[i], CFG_LEXICON_MAX, why) == -1)
			return -1;
	cfg_lexicon_sort(to);
	return 0;
}

static void
cfg_lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* Values separated by commas or white space; "none" empties the list. */
static int
cfg_parse_list(const struct cfg_key *k, const char *v, struct pm_strlist *l,
    struct cfg_why *why)
{
	const char *sep = ", \t", *p = v;
	char item[CFG_VALUE_MAX], canon[ADDRESS_MAX + 1];
	size_t n, count = 0;
	int rc;

	if (strcasecmp(v, "none") == 0) {
		cfg_list_clear(l);
		return 0;
	}
	for (p += strspn(p, sep); *p != '\0'; p += strspn(p, sep)) {
		n = strcspn(p, sep);
		if (n >= sizeof(item)) {
			cfg_why_set(why, "value longer than %zu bytes",
			    sizeof(item) - 1);
			return -1;
		}
		memcpy(item, p, n);
		item[n] = '\0';
		p += n;
		if (k->type == CFG_LEXICON) {
			if (cfg_lexicon_add(l, item, why) == -1)
				return -1;
			count++;
			continue;
		}
		if (k->type == CFG_ADDRLIST) {
			cfg_lower(item);
			if ((rc = cfg_check_address(item, canon, why)) == 0)
				memcpy(item, canon, strlen(canon) + 1);
		} else if (k->type == CFG_FIELDLIST)
			rc = cfg_check_fieldpat(item, why);
		else
			rc = cfg_check_token(item, why);
		if (rc == -1 || cfg_list_add(l, item, CFG_LIST_MAX, why) == -1)
			return -1;
		count++;
	}
	if (count == 0) {
		cfg_why_set(why, "missing value");
		return -1;
	}
	if (k->type == CFG_LEXICON)
		cfg_lexicon_sort(l);
	return 0;
}

static int
cfg_parse_bool(const char *v, bool *out, struct cfg_why *why)
{
	static const char *const yes[] = { "yes", "true", "on", "1", NULL };
	static const char *const no[] = { "no", "false", "off", "0", NULL };
	size_t i;
	SHOWBUF;

	for (i = 0; yes[i] != NULL; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	cfg_why_set(why, "\"%s\" is not yes or no", SHOW(v));
	return -1;
}

static int
cfg_parse_onerror(const char *v, enum pm_on_error *out, struct cfg_why *why)
{
	size_t i;
	SHOWBUF;

	for (i = 0; cfg_onerror_names[i] != NULL; i++)
		if (strcasecmp(v, cfg_onerror_names[i]) == 0) {
			*out = (enum pm_on_error)i;
			return 0;
		}
	cfg_why_set(why, "\"%s\" is not tempfail, accept or reject", SHOW(v));
	return -1;
}

/* An unsigned, a duration or a size, range-checked, into its field. */
static int
cfg_parse_number(const struct cfg_key *k, const char *v, void *field,
    struct cfg_why *why)
{
	static const char *const what[] = {
	    [CFG_UINT] = "a number",
	    [CFG_DURATION] = "a duration (90s, 15m, 1h, 2d)",
	    [CFG_SIZE] = "a size (512k, 20M, 1G)" };
	unsigned long long n = 0;
	char lo[32], hi[32];
	const char *p = v;
	unsigned u;
	size_t z;
	int rc;
	SHOWBUF;

	if (!cfg_number_shape(v, k->type == CFG_DURATION ? "smhd" :
	    k->type == CFG_SIZE ? "kmg" : "")) {
		cfg_why_set(why, "\"%s\" is not %s", SHOW(v), what[k->type]);
		return -1;
	}
	if (k->type == CFG_UINT)
		rc = cfg_parse_digits(&p, UINT_MAX, &n);
	else if (k->type == CFG_DURATION) {
		if ((rc = config_parse_duration(v, &u)) == 0)
			n = u;
	} else if ((rc = config_parse_size(v, &z)) == 0)
		n = z;
	if (rc == -1 || n < k->min || n > k->max) {
		cfg_why_set(why, "%s is out of range %s..%s", SHOW(v),
		    cfg_format_number(k->type, k->min, lo, sizeof(lo)),
		    cfg_format_number(k->type, k->max, hi, sizeof(hi)));
		return -1;
	}
	if (k->type == CFG_SIZE)
		*(size_t *)field = (size_t)n;
	else
		*(unsigned *)field = (unsigned)n;
	return 0;
}

/* A text value: check it, then store it (NULL for "no"/"none"). */
static int
cfg_parse_text(const struct cfg_key *k, const char *v, char **field,
    struct cfg_why *why)
{
	char canon[ADDRESS_MAX + 1];
	int rc;

	switch (k->type) {
	case CFG_PATH:
		rc = cfg_check_path(v, why);
		break;
	case CFG_DATABASE:
		rc = cfg_check_database(v, why);
		break;
	case CFG_SOCKET:
		rc = cfg_check_socket(v, why);
		break;
	case CFG_TOKEN:
		rc = cfg_check_token(v, why);
		break;
	case CFG_ADDRESS:
		if (cfg_check_address(v, canon, why) == -1)
			return -1;
		return cfg_set_string(field, canon, why);
	case CFG_USER:
		rc = cfg_check_user(v, why);
		break;
	case CFG_COMMAND:
		rc = cfg_check_command(v, why);
		break;
	case CFG_CASETAG:
		rc = cfg_check_casetag(v, why);
		break;
	case CFG_REGEX:
		rc = cfg_check_regex(v, why);
		break;
	case CFG_HOSTPORT:
		rc = cfg_check_hostport(v, why);
		break;
	case CFG_LANG:
		rc = cfg_check_lang(v, why);
		break;
	case CFG_HELPDESK:
		if ((rc = cfg_check_helpdesk(v, why)) == 0 &&
		    (rc = cfg_set_string(field, v, why)) == 0)
			cfg_lower(*field);
		return rc;
	case CFG_FACILITY:
		if ((rc = cfg_check_facility(v, why)) == 0 &&
		    strcasecmp(v, "no") == 0)
			return cfg_set_string(field, NULL, why);
		if (rc == 0 && (rc = cfg_set_string(field, v, why)) == 0)
			cfg_lower(*field);
		return rc;
	default:
		cfg_why_set(why, "internal error: bad key type");
		return -1;
	}
	return rc == 0 ? cfg_set_string(field, v, why) : -1;
}

/* Parse V for key K into CFG.  0 ok, -1 with a reason in WHY. */
int
cfg_parse_value(const struct cfg_key *k, const char *v, struct pm_config *cfg,
    struct cfg_why *why)
{
	void *field = cfg_field(cfg, k);

	if ((k->flags & CF_NONE) && strcasecmp(v, "none") == 0)
		return cfg_set_string(field, NULL, why);
	switch (k->type) {
	case CFG_ADDRLIST:
	case CFG_IDLIST:
	case CFG_LEXICON:
	case CFG_FIELDLIST:
		return cfg_parse_list(k, v, field, why);
	case CFG_ADDHEADER:
		/* one value per line: the template may hold spaces */
		if (strcasecmp(v, "none") == 0) {
			cfg_list_clear(field);
			return 0;
		}
		if (cfg_check_addheader(v, why) == -1)
			return -1;
		return cfg_list_add(field, v, CFG_LIST_MAX, why);
	case CFG_BOOL:
		return cfg_parse_bool(v, field, why);
	case CFG_UINT:
	case CFG_DURATION:
	case CFG_SIZE:
		return cfg_parse_number(k, v, field, why);
	case CFG_ONERROR:
		return cfg_parse_onerror(v, field, why);
	default:
		return cfg_parse_text(k, v, field, why);
	}
}

