/*
 * ar.c - a small reader for Authentication-Results header values.
 *
 * Grammar (RFC 8601, simplified to what we need): authserv-id [version]
 * ";" resinfo *( ";" resinfo ), resinfo = method "=" result *property,
 * property = ptype "." name "=" value; CFWS comments "( ... )" may appear
 * anywhere and nest; values may be quoted strings.  Security: callers
 * must only honour results whose authserv-id is in TrustedAuthservIDs
 * (OpenDMARC CVE-2019-20790); this module never decides trust.  All
 * scanning is bounded by the input length; nothing is allocated.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "mail/ar.h"

/* Skip white space and (nested) comments. */
static const char *
skip_cfws(const char *p)
{
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p != '(')
			return p;
		{
			int depth = 0;

			do {
				if (*p == '\\' && p[1] != '\0')
					p++;
				else if (*p == '(')
					depth++;
				else if (*p == ')')
					depth--;
				p++;
			} while (*p != '\0' && depth > 0);
		}
	}
}

/* Read a token or quoted string into out (lower-cased). */
static const char *
read_word(const char *p, char *out, size_t outsize, const char *stops,
    bool *overflow)
{
	size_t n = 0;

	p = skip_cfws(p);
	if (*p == '"') {
		for (p++; *p != '\0' && *p != '"'; p++) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			if (n + 1 < outsize)
				out[n++] = (char)tolower((unsigned char)*p);
			else if (overflow != NULL)
				*overflow = true;
		}
		if (*p == '"')
			p++;
	} else {
		for (; *p != '\0' && !strchr(stops, *p) && *p != '(' &&
		    !isspace((unsigned char)*p); p++) {
			if (n + 1 < outsize)
				out[n++] = (char)tolower((unsigned char)*p);
			else if (overflow != NULL)
				*overflow = true;
		}
	}
	if (outsize > 0)
		out[n] = '\0';
	return p;
}

bool
ar_authserv_id(const char *value, char *out, size_t outsize)
{
	bool overflow = false;

	read_word(value, out, outsize, ";", &overflow);
	return out[0] != '\0' && !overflow;
}

bool
ar_dmarc_pass(const char *value, const char *domain)
{
	const char *p = strchr(value, ';');
	char word[256], val[256];
	bool in_dmarc = false, pass = false;

	while (p != NULL && *p != '\0') {
		if (*p == ';') {
			if (in_dmarc && pass)
				return false;	/* dmarc=pass without header.from */
			in_dmarc = pass = false;
			p++;
			p = read_word(p, word, sizeof(word), "=;", NULL);
			p = skip_cfws(p);
			if (*p != '=')
				continue;
			p = read_word(p + 1, val, sizeof(val), ";", NULL);
			in_dmarc = strcmp(word, "dmarc") == 0;
			pass = in_dmarc && strcmp(val, "pass") == 0;
			continue;
		}
		/* a property: ptype.name=value */
		p = read_word(p, word, sizeof(word), "=;", NULL);
		p = skip_cfws(p);
		if (*p == '=') {
			bool cut = false;

			p = read_word(p + 1, val, sizeof(val), ";", &cut);
			if (in_dmarc && pass && strcmp(word, "header.from") == 0)
				return !cut && strcasecmp(val, domain) == 0;
		} else if (*p != ';' && *p != '\0') {
			p++;		/* stray character: step over it */
		}
		p = skip_cfws(p);
	}
	return false;
}
