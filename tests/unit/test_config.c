/*
 * test_config.c - pinmilter.conf parsing: defaults, every key with good,
 * bad and out-of-range values, durations, sizes, sockets, the exact error
 * lines, the support-address match, the dump and the sample file.
 *
 * Config files are written into a private mkdtemp directory, removed at
 * the end.  The sample is found through $top_srcdir (set by make check).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "core/config.h"
#include "core/config_keys.h"
#include "tap.h"
#include "testutil.h"

static char cfpath[512];

/* Write LEN bytes of DATA to tdir/NAME; returns the path (static). */
static const char *
write_conf(const char *name, const char *data, size_t len)
{
	(void)snprintf(cfpath, sizeof(cfpath), "%s", tpath(name));
	write_file(cfpath, data, len, 0644);
	return cfpath;
}

/* Load TEXT as a config file "t.conf"; on error ERR holds the line. */
static struct pm_config *
load_text(const char *text, char *err, size_t errlen)
{
	const char *path = write_conf("t.conf", text, strlen(text));

	return config_load(path, err, errlen);
}

/* The value config_dump() shows for KEY (static buffer, "" if absent). */
static const char *
dump_value(const struct pm_config *cfg, const char *key)
{
	static char value[8192];
	char *buf = NULL, *line, *save = NULL;
	size_t size = 0, klen = strlen(key);
	FILE *fp;

	value[0] = '\0';
	if ((fp = open_memstream(&buf, &size)) == NULL)
		return value;
	config_dump(cfg, fp);
	if (fclose(fp) != 0) {
		free(buf);
		return value;
	}
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, key, klen) == 0 && line[klen] == ' ')
			(void)snprintf(value, sizeof(value), "%s",
			    line + klen + 1);
	free(buf);
	return value;
}

static char *
dump_all(const struct pm_config *cfg)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *fp;

	if ((fp = open_memstream(&buf, &size)) == NULL)
		return NULL;
	config_dump(cfg, fp);
	if (fclose(fp) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void
host_name(char *buf, size_t size)
{
	if (gethostname(buf, size) == -1 || buf[0] == '\0')
		(void)snprintf(buf, size, "localhost");
	buf[size - 1] = '\0';
}

/*
 * Defaults: every field of config_defaults(), read directly from the
 * struct (a wrong offset in the key table shows here).
 */
static void
test_defaults(void)
{
	struct pm_config *c = config_defaults();
	char host[256];

	host_name(host, sizeof(host));
	ok(c != NULL, "config_defaults returns a config");
	if (c == NULL)
		return;
	ok(c->path == NULL, "defaults: path is NULL");
	is_str(c->socket, "unix:/run/pinmilter/pinmilter.sock", "default Socket");
	is_str(c->database, "/var/lib/pinmilter/pinmilter.db", "default Database");
	is_str(c->key_file, "/etc/pinmilter/pinmilter.key", "default KeyFile");
	is_int(c->database_timeout, 5, "default DatabaseTimeout 5s");
	is_int(c->support_addresses.n, 0, "default SupportAddress: none");
	ok(c->support_addresses.v == NULL, "default SupportAddress: NULL vector");
	is_str(c->authserv_id, host, "default AuthservID is the host name");
	is_int(c->trusted_authserv_ids.n, 0, "default TrustedAuthservIDs: none");
	is_int(c->require_aligned_from, 0, "default RequireAlignedFrom no");
	is_int(c->max_candidates, 3, "default MaxCandidates");
	is_int(c->max_failures, 5, "default MaxFailures");
	is_int(c->failure_window, 15 * 60, "default FailureWindow 15m");
	is_int(c->lockout_time, 3600, "default LockoutTime 1h");
	is_int(c->redact_pin, 1, "default RedactPIN yes");
	is_int(c->on_internal_error, PM_ON_ERROR_TEMPFAIL, "default OnInternalError");
	is_int(c->max_message_size, 50 * 1024 * 1024, "default MaxMessageSize 50M");
	is_int(c->body_memory_limit, 1024 * 1024, "default BodyMemoryLimit 1M");
	is_str(c->temp_dir, "/var/tmp", "default TempDir");
	is_int(c->max_mime_depth, 10, "default MaxMimeDepth");
	is_int(c->max_mime_parts, 100, "default MaxMimeParts");
	ok(c->user_id == NULL, "default UserID: none");
	is_str(c->pid_file, "/run/pinmilter/pinmilter.pid", "default PidFile under /run/pinmilter");
	is_str(c->syslog_facility, "mail", "default Syslog mail");
	ok(c->notice_from == NULL, "default NoticeFrom: none");
	is_str(c->mailer, "/usr/sbin/sendmail -f <> -t -i", "default Mailer");
	is_str(c->template_dir, "/etc/pinmilter/templates", "default TemplateDir");
	is_str(c->case_tag, "[Case #%n]", "default CaseTag");
	is_int(c->case_start, 100000, "default CaseStart");
	ok(c->case_ref_pattern == NULL, "default CaseRefPattern: none");
	is_int(c->change_keywords.n, 0, "default ChangeKeywords: none");
	is_int(c->change_verbs.n, 90, "default ChangeVerbs: 90 words");
	is_int(c->object_verbs.n, 74, "default ObjectVerbs: 74 words");
	is_int(c->change_objects.n, 194, "default ChangeObjects: 194 words");
	is_int(c->other_pin_words.n, 40, "default OtherPINWords: 40 words");
	if (c->change_verbs.n == 90) {
		is_str(c->change_verbs.v[0], "activate",
		    "default ChangeVerbs: sorted, activate first");
		is_str(c->change_verbs.v[89], "whitelist",
		    "default ChangeVerbs: whitelist last");
		ok(c->change_verbs.v[90] == NULL,
		    "default ChangeVerbs NULL-terminated");
	}
	is_int(c->reply_to_tokens, 1, "default ReplyToTokens yes");
	ok(c->smtp_relay == NULL, "default SMTPRelay: none");
	is_int(c->max_notices_per_day, 10, "default MaxNoticesPerDay");
	is_int(c->pin_issue_interval, 3600, "default PinIssueInterval 1h");
	is_int(c->outbox_max_attempts, 10, "default OutboxMaxAttempts");
	is_int(c->outbox_retry, 60, "default OutboxRetry 1m");
	is_str(c->notice_language, "en", "default NoticeLanguage");
	config_free(c);
}

/* "KEY a, b, c\n" from the default word list DEF ("a b c"). */
static void
dump_words(GString *out, const char *key, const char *def)
{
	char **w = g_strsplit(def, " ", -1), *joined;

	joined = g_strjoinv(", ", w);
	g_string_append_printf(out, "%s %s\n", key, joined);
	g_free(joined);
	g_strfreev(w);
}

/* A word list at its bound: CFG_LEXICON_MAX words, then one more, on
 * its own and through ChangeKeywords. */
static void
test_lexicon_bound(void)
{
	GString *t = g_string_new(NULL);
	struct pm_config *c;
	char err[1024], want[1200];
	int i;

	/* 100 words a line (a line holds at most 4096 bytes) */
	for (i = 0; i < CFG_LEXICON_MAX; i++)
		g_string_append_printf(t, "%sw%d%s", i % 100 ? " " :
		    "ChangeVerbs ", i, i % 100 == 99 ? "\n" : "");
	c = load_text(t->str, err, sizeof(err));
	ok(c != NULL && c->change_verbs.n == CFG_LEXICON_MAX,
	    "ChangeVerbs: %d words load", CFG_LEXICON_MAX);
	config_free(c);
	g_string_append(t, "ChangeKeywords extra\n");
	c = load_text(t->str, err, sizeof(err));
	(void)snprintf(want, sizeof(want), "%s:11: ChangeKeywords: added to "
	    "ChangeVerbs: more than %d values", cfpath, CFG_LEXICON_MAX);
	ok(c == NULL, "ChangeKeywords past the bound of ChangeVerbs refused");
	is_str(err, want, "ChangeKeywords past the bound: the error");
	config_free(c);
	g_string_truncate(t, t->len - strlen("ChangeKeywords extra\n"));
	g_string_append(t, "ChangeVerbs onemore\n");
	c = load_text(t->str, err, sizeof(err));
	(void)snprintf(want, sizeof(want), "%s:11: ChangeVerbs: more than %d "
	    "values", cfpath, CFG_LEXICON_MAX);
	ok(c == NULL, "ChangeVerbs: one word past the bound refused");
	is_str(err, want, "ChangeVerbs past the bound: the error");
	config_free(c);
	g_string_free(t, TRUE);
}

/* Is W (folded) in CFG's ChangeVerbs (sorted)? */
static bool
change_verb(const struct pm_config *cfg, const char *w)
{
	size_t i;

	for (i = 0; i < cfg->change_verbs.n; i++)
		if (strcmp(cfg->change_verbs.v[i], w) == 0)
			return i == 0 || strcmp(cfg->change_verbs.v[i - 1], w) < 0;
	return false;
}

/* The dump of the defaults, whole, in table order. */
static void
test_dump_defaults(void)
{
	struct pm_config *c = config_defaults();
	char host[256], want[12288], *got, *lists;
	GString *l = g_string_new(NULL);

	host_name(host, sizeof(host));
	dump_words(l, "ChangeVerbs", cfg_default_change_verbs);
	dump_words(l, "ObjectVerbs", cfg_default_object_verbs);
	dump_words(l, "ChangeObjects", cfg_default_change_objects);
	dump_words(l, "OtherPINWords", cfg_default_other_pins);
	g_string_append(l, "ChangeKeywords none\n");
	lists = g_string_free(l, FALSE);
	(void)snprintf(want, sizeof(want),
	    "Socket unix:/run/pinmilter/pinmilter.sock\n"
	    "Database /var/lib/pinmilter/pinmilter.db\n"
	    "KeyFile /etc/pinmilter/pinmilter.key\n"
	    "DatabaseTimeout 5s\n"
	    "SupportAddress none\n"
	    "AuthservID %s\n"
	    "TrustedAuthservIDs none\n"
	    "RequireAlignedFrom no\n"
	    "MaxCandidates 3\n"
	    "MaxFailures 5\n"
	    "FailureWindow 15m\n"
	    "LockoutTime 1h\n"
	    "RedactPIN yes\n"
	    "OnInternalError tempfail\n"
	    "MaxMessageSize 50M\n"
	    "BodyMemoryLimit 1M\n"
	    "TempDir /var/tmp\n"
	    "MaxMimeDepth 10\n"
	    "MaxMimeParts 100\n"
	    "UserID none\n"
	    "PidFile /run/pinmilter/pinmilter.pid\n"
	    "Syslog mail\n"
	    "LogFile none\n"
	    "NoticeFrom none\n"
	    "Mailer /usr/sbin/sendmail -f <> -t -i\n"
	    "TemplateDir /etc/pinmilter/templates\n"
	    "CaseTag \"[Case #%%n]\"\n"
	    "CaseStart 100000\n"
	    "CaseRefPattern none\n"
	    "%s"
	    "ReplyToTokens yes\n"
	    "SMTPRelay none\n"
	    "MaxNoticesPerDay 10\n"
	    "PinIssueInterval 1h\n"
	    "OutboxMaxAttempts 10\n"
	    "OutboxRetry 1m\n"
	    "NoticeLanguage en\n"
	    "Helpdesk none\n"
	    "ReplyToMustMatch yes\n"
	    "StripHeaders none\n"
	    "AddHeader none\n"
	    "VerifiedRecipient none\n", host, lists);
	got = c != NULL ? dump_all(c) : NULL;
	is_str(got, want, "config_dump of the defaults");
	free(got);
	g_free(lists);
	config_free(c);
}

/* A file setting every key away from its default; fields read directly. */
static const char every_key_text[] =
    "Socket inet:8891@127.0.0.1\n"
    "Database /srv/pm/db.sqlite\n"
    "KeyFile /srv/pm/key\n"
    "DatabaseTimeout 2m\n"
    "SupportAddress Support@Example.COM, help@example.net\n"
    "SupportAddress billing@example.com\n"
    "AuthservID mx1.example.com\n"
    "TrustedAuthservIDs mx1.example.com mx2.example.com\n"
    "RequireAlignedFrom yes\n"
    "MaxCandidates 4\n"
    "MaxFailures 6\n"
    "FailureWindow 1h\n"
    "LockoutTime 2d\n"
    "RedactPIN no\n"
    "OnInternalError reject\n"
    "MaxMessageSize 20M\n"
    "BodyMemoryLimit 512k\n"
    "TempDir /srv/tmp\n"
    "MaxMimeDepth 7\n"
    "MaxMimeParts 300\n"
    "UserID pinmilter:mail\n"
    "PidFile /run/pinmilter/pinmilter.pid\n"
    "Syslog LOCAL3\n"
    "NoticeFrom Notices@example.com\n"
    "Mailer /usr/lib/sendmail -oi -t\n"
    "TemplateDir /srv/templates\n"
    "CaseTag \"{Ticket %n} \"\n"
    "CaseStart 5\n"
    "CaseRefPattern \"(?i)\\[Ticket #(\\d+)\\]\"\n"
    "ChangeKeywords Change, \xc3\xa9" "diter\n"
    "ChangeKeywords move\n"
    "ReplyToTokens no\n"
    "SMTPRelay relay.example.com:2525\n"
    "MaxNoticesPerDay 3\n"
    "PinIssueInterval 0\n"
    "OutboxMaxAttempts 2\n"
    "OutboxRetry 30s\n"
    "NoticeLanguage fr\n";

/* MaxMessageSize to NoticeLanguage. */
static void
every_key_check_rest(const struct pm_config *c)
{
	is_int(c->max_message_size, 20 * 1024 * 1024, "MaxMessageSize set");
	is_int(c->body_memory_limit, 512 * 1024, "BodyMemoryLimit set");
	is_str(c->temp_dir, "/srv/tmp", "TempDir set");
	is_int(c->max_mime_depth, 7, "MaxMimeDepth set");
	is_int(c->max_mime_parts, 300, "MaxMimeParts set");
	is_str(c->user_id, "pinmilter:mail", "UserID set");
	is_str(c->pid_file, "/run/pinmilter/pinmilter.pid", "PidFile set");
	is_str(c->syslog_facility, "local3", "Syslog set, lower-cased");
	is_str(c->notice_from, "Notices@example.com", "NoticeFrom set as given");
	is_str(c->mailer, "/usr/lib/sendmail -oi -t", "Mailer set");
	is_str(c->template_dir, "/srv/templates", "TemplateDir set");
	is_str(c->case_tag, "{Ticket %n} ", "CaseTag set, quoted blank kept");
	is_int(c->case_start, 5, "CaseStart set");
	is_str(c->case_ref_pattern, "(?i)\\[Ticket #(\\d+)\\]",
	    "CaseRefPattern set, backslashes kept, \" #\" quoted");
	is_int(c->change_keywords.n, 3, "ChangeKeywords: two lines add up");
	if (c->change_keywords.n == 3) {
		is_str(c->change_keywords.v[0], "change",
		    "ChangeKeywords folded (case)");
		is_str(c->change_keywords.v[1], "editer",
		    "ChangeKeywords folded (accents), sorted");
		is_str(c->change_keywords.v[2], "move",
		    "ChangeKeywords: second line adds");
	}
	is_int(c->change_verbs.n, 92,
	    "ChangeKeywords: added to the default ChangeVerbs (change was in "
	    "it; editer, move were not)");
	ok(change_verb(c, "editer"), "ChangeKeywords: editer is a ChangeVerb");
	is_int(c->reply_to_tokens, 0, "ReplyToTokens set");
	is_str(c->smtp_relay, "relay.example.com:2525", "SMTPRelay set");
	is_int(c->max_notices_per_day, 3, "MaxNoticesPerDay set");
	is_int(c->pin_issue_interval, 0, "PinIssueInterval set");
	is_int(c->outbox_max_attempts, 2, "OutboxMaxAttempts set");
	is_int(c->outbox_retry, 30, "OutboxRetry set");
	is_str(c->notice_language, "fr", "NoticeLanguage set");
}

static void
test_every_key_set(void)
{
	char err[1024] = "";
	struct pm_config *c = load_text(every_key_text, err, sizeof(err));

	ok(c != NULL, "a file setting every key loads");
	if (c == NULL) {
		printf("#   %s\n", err);
		return;
	}
	is_str(err, "", "no error text on success");
	is_str(c->path, cfpath, "path is the file loaded");
	is_str(c->socket, "inet:8891@127.0.0.1", "Socket set");
	is_str(c->database, "/srv/pm/db.sqlite", "Database set");
	is_str(c->key_file, "/srv/pm/key", "KeyFile set");
	is_int(c->database_timeout, 120, "DatabaseTimeout set");
	is_int(c->support_addresses.n, 3, "SupportAddress: 3 values over 2 lines");
	if (c->support_addresses.n == 3) {
		is_str(c->support_addresses.v[0], "support@example.com",
		    "SupportAddress lower-cased");
		is_str(c->support_addresses.v[1], "help@example.net",
		    "SupportAddress second value");
		is_str(c->support_addresses.v[2], "billing@example.com",
		    "SupportAddress from the repeated line");
		ok(c->support_addresses.v[3] == NULL,
		    "SupportAddress vector NULL-terminated");
	}
	is_str(c->authserv_id, "mx1.example.com", "AuthservID set");
	is_int(c->trusted_authserv_ids.n, 2, "TrustedAuthservIDs: 2 values");
	if (c->trusted_authserv_ids.n == 2)
		is_str(c->trusted_authserv_ids.v[1], "mx2.example.com",
		    "TrustedAuthservIDs split on white space");
	is_int(c->require_aligned_from, 1, "RequireAlignedFrom set");
	is_int(c->max_candidates, 4, "MaxCandidates set");
	is_int(c->max_failures, 6, "MaxFailures set");
	is_int(c->failure_window, 3600, "FailureWindow set");
	is_int(c->lockout_time, 2 * 86400, "LockoutTime set");
	is_int(c->redact_pin, 0, "RedactPIN set");
	is_int(c->on_internal_error, PM_ON_ERROR_REJECT, "OnInternalError set");
	every_key_check_rest(c);
	config_free(c);
}

/*
 * One line "Key value": it loads and the dump shows WANT, or it fails
 * with exactly "FILE:1: REASON".
 */
struct keycase {
	const char *line;
	const char *key;	/* key whose dump value is checked */
	const char *want;	/* dump value, or NULL: must fail */
	const char *reason;	/* error after "FILE:1: " */
};

static const struct keycase key_cases[] = {
	/* Socket */
	{ "Socket unix:/tmp/pm.sock", "Socket", "unix:/tmp/pm.sock", NULL },
	{ "Socket local:/var/run/pm.sock", "Socket", "local:/var/run/pm.sock", NULL },
	{ "Socket inet:1@localhost", "Socket", "inet:1@localhost", NULL },
	{ "Socket inet:65535@127.0.0.1", "Socket", "inet:65535@127.0.0.1", NULL },
	{ "Socket inet6:8891@::1", "Socket", "inet6:8891@::1", NULL },
	{ "Socket INET:8891@host", "Socket", "INET:8891@host", NULL },
	{ "Socket unix:pm.sock", NULL, NULL,
	    "Socket: \"unix:pm.sock\": socket path is not absolute" },
	{ "Socket local:", NULL, NULL,
	    "Socket: \"local:\": socket path is not absolute" },
	{ "Socket inet:0@localhost", NULL, NULL,
	    "Socket: \"inet:0@localhost\": port is not 1..65535" },
	{ "Socket inet:65536@localhost", NULL, NULL,
	    "Socket: \"inet:65536@localhost\": port is not 1..65535" },
	{ "Socket inet:0008891@localhost", NULL, NULL,
	    "Socket: \"inet:0008891@localhost\": port is not 1..65535" },
	{ "Socket inet:http@localhost", NULL, NULL,
	    "Socket: \"inet:http@localhost\": port is not 1..65535" },
	{ "Socket inet:@localhost", NULL, NULL,
	    "Socket: \"inet:@localhost\": port is not 1..65535" },
	{ "Socket inet:8891", NULL, NULL,
	    "Socket: \"inet:8891\": missing @HOST" },
	{ "Socket inet6:8891@", NULL, NULL,
	    "Socket: \"inet6:8891@\": missing @HOST" },
	{ "Socket inet:8891@a b", NULL, NULL,
	    "Socket: \"inet:8891@a b\": bad host" },
	{ "Socket /run/pm.sock", NULL, NULL,
	    "Socket: \"/run/pm.sock\" is not unix:/PATH, local:/PATH, "
	    "inet:PORT@HOST or inet6:PORT@HOST" },
	{ "Socket tcp:25@host", NULL, NULL,
	    "Socket: \"tcp:25@host\" is not unix:/PATH, local:/PATH, "
	    "inet:PORT@HOST or inet6:PORT@HOST" },
	{ "Socket unix:/" "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789"
	    "012345678901234567890123456", NULL, NULL,
	    "Socket: socket path is longer than 107 bytes" },
	/* paths */
	{ "Database /db", "Database", "/db", NULL },
	{ "Database db.sqlite", NULL, NULL,
	    "Database: \"db.sqlite\" is not an absolute path" },
	{ "KeyFile /k", "KeyFile", "/k", NULL },
	{ "KeyFile ./k", NULL, NULL, "KeyFile: \"./k\" is not an absolute path" },
	{ "TempDir /tmp", "TempDir", "/tmp", NULL },
	{ "TempDir tmp", NULL, NULL, "TempDir: \"tmp\" is not an absolute path" },
	{ "TemplateDir /t", "TemplateDir", "/t", NULL },
	{ "TemplateDir ~/t", NULL, NULL,
	    "TemplateDir: \"~/t\" is not an absolute path" },
	{ "PidFile /run/p.pid", "PidFile", "/run/p.pid", NULL },
	{ "PidFile none", "PidFile", "none", NULL },
	{ "PidFile p.pid", NULL, NULL, "PidFile: \"p.pid\" is not an absolute path" },
	/* DatabaseTimeout 0..10m */
	{ "DatabaseTimeout 0", "DatabaseTimeout", "0", NULL },
	{ "DatabaseTimeout 90", "DatabaseTimeout", "90s", NULL },
	{ "DatabaseTimeout 10m", "DatabaseTimeout", "10m", NULL },
	{ "DatabaseTimeout 601", NULL, NULL,
	    "DatabaseTimeout: 601 is out of range 0..10m" },
	{ "DatabaseTimeout 1h", NULL, NULL,
	    "DatabaseTimeout: 1h is out of range 0..10m" },
	{ "DatabaseTimeout -1", NULL, NULL,
	    "DatabaseTimeout: \"-1\" is not a duration (90s, 15m, 1h, 2d)" },
	{ "DatabaseTimeout 5 s", NULL, NULL,
	    "DatabaseTimeout: \"5 s\" is not a duration (90s, 15m, 1h, 2d)" },
	/* SupportAddress */
	{ "SupportAddress a@b.c", "SupportAddress", "a@b.c", NULL },
	{ "SupportAddress A@B.C,x@y.z", "SupportAddress", "a@b.c, x@y.z", NULL },
	{ "SupportAddress a@b.c a@B.C", "SupportAddress", "a@b.c", NULL },
	{ "SupportAddress none", "SupportAddress", "none", NULL },
	{ "SupportAddress support", NULL, NULL,
	    "SupportAddress: \"support\" is not an address local@domain: "
	    "no @domain" },
	{ "SupportAddress a@b@c", NULL, NULL,
	    "SupportAddress: \"a@b@c\" is not an address local@domain: "
	    "the domain is neither a domain name nor an address literal" },
	{ "SupportAddress a@b@c.example", NULL, NULL,
	    "SupportAddress: \"a@b@c.example\" is not an address "
	    "local@domain: the domain is neither a domain name nor an address "
	    "literal" },
	{ "SupportAddress ok@x.example, a@b@c.example", NULL, NULL,
	    "SupportAddress: \"a@b@c.example\" is not an address "
	    "local@domain: the domain is neither a domain name nor an address "
	    "literal" },
	{ "SupportAddress @b.c", NULL, NULL,
	    "SupportAddress: \"@b.c\" is not an address local@domain: "
	    "the local part is neither a dot-atom nor a quoted string" },
	{ "SupportAddress a@", NULL, NULL,
	    "SupportAddress: \"a@\" is not an address local@domain: "
	    "the domain is neither a domain name nor an address literal" },
	{ "SupportAddress <a@b.c>", NULL, NULL,
	    "SupportAddress: \"<a@b.c>\" is not an address local@domain: "
	    "the local part is neither a dot-atom nor a quoted string" },
	{ "SupportAddress a..b@x.example", NULL, NULL,
	    "SupportAddress: \"a..b@x.example\" is not an address "
	    "local@domain: the local part is neither a dot-atom nor a quoted "
	    "string" },
	{ "SupportAddress lllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllll@x.example", NULL, NULL,
	    "SupportAddress: \"lllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllll@x.exam...\" is not an address "
	    "local@domain: the local part is longer than 64 bytes" },
	{ "SupportAddress llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllll@x.example", "SupportAddress",
	    "llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllll@x.example", NULL },
	/* canonical: unquoted, lower case, no root dot */
	{ "SupportAddress \"\\\"Help\\\"@Example.COM.\"", "SupportAddress",
	    "help@example.com", NULL },
	{ "SupportAddress \"\\\"a..b\\\"@x.example\"", NULL, NULL,
	    "SupportAddress: \"\"a..b\"@x.example\" is not an address "
	    "local@domain: a local part that needs quotes, or an address "
	    "literal, is not supported here" },
	{ "SupportAddress a@[192.0.2.1]", NULL, NULL,
	    "SupportAddress: \"a@[192.0.2.1]\" is not an address "
	    "local@domain: a local part that needs quotes, or an address "
	    "literal, is not supported here" },
	{ "SupportAddress ,", NULL, NULL, "SupportAddress: missing value" },
	/* AuthservID */
	{ "AuthservID mx.example.com", "AuthservID", "mx.example.com", NULL },
	{ "AuthservID mx;x", NULL, NULL,
	    "AuthservID: \"mx;x\" is not a valid authserv-id" },
	{ "AuthservID two words", NULL, NULL,
	    "AuthservID: \"two words\" is not a valid authserv-id" },
	/* TrustedAuthservIDs */
	{ "TrustedAuthservIDs a.example, b.example", "TrustedAuthservIDs",
	    "a.example, b.example", NULL },
	{ "TrustedAuthservIDs none", "TrustedAuthservIDs", "none", NULL },
	{ "TrustedAuthservIDs a\"b", NULL, NULL,
	    "TrustedAuthservIDs: \"a\"b\" is not a valid authserv-id" },
	/* booleans */
	{ "RequireAlignedFrom yes", "RequireAlignedFrom", "yes", NULL },
	{ "RequireAlignedFrom maybe", NULL, NULL,
	    "RequireAlignedFrom: \"maybe\" is not yes or no" },
	{ "RedactPIN off", "RedactPIN", "no", NULL },
	{ "RedactPIN 2", NULL, NULL, "RedactPIN: \"2\" is not yes or no" },
	/* MaxCandidates 1..20 */
	{ "MaxCandidates 1", "MaxCandidates", "1", NULL },
	{ "MaxCandidates 20", "MaxCandidates", "20", NULL },
	{ "MaxCandidates 0", NULL, NULL, "MaxCandidates: 0 is out of range 1..20" },
	{ "MaxCandidates 21", NULL, NULL, "MaxCandidates: 21 is out of range 1..20" },
	{ "MaxCandidates three", NULL, NULL,
	    "MaxCandidates: \"three\" is not a number" },
	{ "MaxCandidates 3k", NULL, NULL, "MaxCandidates: \"3k\" is not a number" },
	/* MaxFailures 1..100 */
	{ "MaxFailures 1", "MaxFailures", "1", NULL },
	{ "MaxFailures 100", "MaxFailures", "100", NULL },
	{ "MaxFailures 0", NULL, NULL, "MaxFailures: 0 is out of range 1..100" },
	{ "MaxFailures 101", NULL, NULL, "MaxFailures: 101 is out of range 1..100" },
	{ "MaxFailures 99999999999999999999999", NULL, NULL,
	    "MaxFailures: 99999999999999999999999 is out of range 1..100" },
	{ "MaxFailures +5", NULL, NULL, "MaxFailures: \"+5\" is not a number" },
	/* FailureWindow 1m..7d */
	{ "FailureWindow 60", "FailureWindow", "1m", NULL },
	{ "FailureWindow 7d", "FailureWindow", "7d", NULL },
	{ "FailureWindow 59s", NULL, NULL,
	    "FailureWindow: 59s is out of range 1m..7d" },
	{ "FailureWindow 604801", NULL, NULL,
	    "FailureWindow: 604801 is out of range 1m..7d" },
	{ "FailureWindow 1w", NULL, NULL,
	    "FailureWindow: \"1w\" is not a duration (90s, 15m, 1h, 2d)" },
	/* LockoutTime 1m..30d */
	{ "LockoutTime 1m", "LockoutTime", "1m", NULL },
	{ "LockoutTime 30d", "LockoutTime", "30d", NULL },
	{ "LockoutTime 59", NULL, NULL, "LockoutTime: 59 is out of range 1m..30d" },
	{ "LockoutTime 2592001", NULL, NULL,
	    "LockoutTime: 2592001 is out of range 1m..30d" },
	{ "LockoutTime 99999999999d", NULL, NULL,
	    "LockoutTime: 99999999999d is out of range 1m..30d" },
	/* OnInternalError */
	{ "OnInternalError accept", "OnInternalError", "accept", NULL },
	{ "OnInternalError REJECT", "OnInternalError", "reject", NULL },
	{ "OnInternalError tempfail", "OnInternalError", "tempfail", NULL },
	{ "OnInternalError discard", NULL, NULL,
	    "OnInternalError: \"discard\" is not tempfail, accept or reject" },
	/* MaxMessageSize 64k..1G */
	{ "MaxMessageSize 65536", "MaxMessageSize", "64k", NULL },
	{ "MaxMessageSize 1G", "MaxMessageSize", "1G", NULL },
	{ "MaxMessageSize 1000000", "MaxMessageSize", "1000000", NULL },
	{ "MaxMessageSize 65535", NULL, NULL,
	    "MaxMessageSize: 65535 is out of range 64k..1G" },
	{ "MaxMessageSize 1073741825", NULL, NULL,
	    "MaxMessageSize: 1073741825 is out of range 64k..1G" },
	{ "MaxMessageSize 2G", NULL, NULL,
	    "MaxMessageSize: 2G is out of range 64k..1G" },
	{ "MaxMessageSize 20MB", NULL, NULL,
	    "MaxMessageSize: \"20MB\" is not a size (512k, 20M, 1G)" },
	/* BodyMemoryLimit 64k..64M */
	{ "BodyMemoryLimit 64k", "BodyMemoryLimit", "64k", NULL },
	{ "BodyMemoryLimit 64M", "BodyMemoryLimit", "64M", NULL },
	{ "BodyMemoryLimit 65535", NULL, NULL,
	    "BodyMemoryLimit: 65535 is out of range 64k..64M" },
	{ "BodyMemoryLimit 67108865", NULL, NULL,
	    "BodyMemoryLimit: 67108865 is out of range 64k..64M" },
	/* MaxMimeDepth 1..50 */
	{ "MaxMimeDepth 1", "MaxMimeDepth", "1", NULL },
	{ "MaxMimeDepth 50", "MaxMimeDepth", "50", NULL },
	{ "MaxMimeDepth 0", NULL, NULL, "MaxMimeDepth: 0 is out of range 1..50" },
	{ "MaxMimeDepth 51", NULL, NULL, "MaxMimeDepth: 51 is out of range 1..50" },
	/* MaxMimeParts 1..1000 */
	{ "MaxMimeParts 1", "MaxMimeParts", "1", NULL },
	{ "MaxMimeParts 1000", "MaxMimeParts", "1000", NULL },
	{ "MaxMimeParts 0", NULL, NULL, "MaxMimeParts: 0 is out of range 1..1000" },
	{ "MaxMimeParts 1001", NULL, NULL,
	    "MaxMimeParts: 1001 is out of range 1..1000" },
	/* UserID */
	{ "UserID pinmilter", "UserID", "pinmilter", NULL },
	{ "UserID pinmilter:mail", "UserID", "pinmilter:mail", NULL },
	{ "UserID none", "UserID", "none", NULL },
	{ "UserID pinmilter:", NULL, NULL,
	    "UserID: \"pinmilter:\" is not USER or USER:GROUP" },
	{ "UserID :mail", NULL, NULL, "UserID: \":mail\" is not USER or USER:GROUP" },
	{ "UserID a:b:c", NULL, NULL, "UserID: \"a:b:c\" is not USER or USER:GROUP" },
	{ "UserID -x", NULL, NULL, "UserID: \"-x\" is not USER or USER:GROUP" },
	{ "UserID pin milter", NULL, NULL,
	    "UserID: \"pin milter\" is not USER or USER:GROUP" },
	/* Syslog */
	{ "Syslog daemon", "Syslog", "daemon", NULL },
	{ "Syslog local7", "Syslog", "local7", NULL },
	{ "Syslog no", "Syslog", "no", NULL },
	{ "Syslog NO", "Syslog", "no", NULL },
	{ "Syslog auth", "Syslog", "auth", NULL },
	{ "Syslog AuthPriv", "Syslog", "authpriv", NULL },
	{ "Syslog cron", "Syslog", "cron", NULL },
	{ "Syslog ftp", "Syslog", "ftp", NULL },
	{ "Syslog kern", "Syslog", "kern", NULL },
	{ "Syslog lpr", "Syslog", "lpr", NULL },
	{ "Syslog news", "Syslog", "news", NULL },
	{ "Syslog syslog", "Syslog", "syslog", NULL },
	{ "Syslog uucp", "Syslog", "uucp", NULL },
	{ "Syslog local8", NULL, NULL,
	    "Syslog: \"local8\" is not a syslog facility or no" },
	{ "Syslog stderr", NULL, NULL,
	    "Syslog: \"stderr\" is not a syslog facility or no" },
	/* NoticeFrom */
	{ "NoticeFrom noreply@example.com", "NoticeFrom", "noreply@example.com", NULL },
	{ "NoticeFrom none", "NoticeFrom", "none", NULL },
	{ "NoticeFrom Support <s@example.com>", NULL, NULL,
	    "NoticeFrom: \"Support <s@example.com>\" is not an address "
	    "local@domain: the local part is neither a dot-atom nor a quoted "
	    "string" },
	{ "NoticeFrom a@b@c.example", NULL, NULL,
	    "NoticeFrom: \"a@b@c.example\" is not an address local@domain: "
	    "the domain is neither a domain name nor an address literal" },
	{ "NoticeFrom NoReply@Example.COM.", "NoticeFrom",
	    "NoReply@example.com", NULL },
	{ "NoticeFrom \"\\\"noreply\\\"@example.com\"", "NoticeFrom",
	    "noreply@example.com", NULL },
	{ "NoticeFrom \"\\\"no reply\\\"@example.com\"", NULL, NULL,
	    "NoticeFrom: \"\"no reply\"@example.com\" is not an address "
	    "local@domain: a local part that needs quotes, or an address "
	    "literal, is not supported here" },
	/* Mailer */
	{ "Mailer /bin/cat", "Mailer", "/bin/cat", NULL },
	{ "Mailer /usr/sbin/sendmail  -t   -i", "Mailer",
	    "/usr/sbin/sendmail  -t   -i", NULL },
	{ "Mailer sendmail -t", NULL, NULL,
	    "Mailer: \"sendmail -t\": the program must be an absolute path" },
	/* CaseTag */
	{ "CaseTag [#%n]", "CaseTag", "[#%n]", NULL },
	{ "CaseTag \"[Case #%n]\"", "CaseTag", "\"[Case #%n]\"", NULL },
	{ "CaseTag (Dossier n\xc2\xb0 %n)", "CaseTag",
	    "(Dossier n\xc2\xb0 %n)", NULL },
	{ "CaseTag Case-%n", "CaseTag", "Case-%n", NULL },
	{ "CaseTag \"100% [%n]\"", "CaseTag", "100% [%n]", NULL },
	{ "CaseTag [Case #%n]", NULL, NULL,
	    "CaseTag: \"[Case\" must contain %n exactly once" },
	{ "CaseTag [Case]", NULL, NULL,
	    "CaseTag: \"[Case]\" must contain %n exactly once" },
	{ "CaseTag [%n/%n]", NULL, NULL,
	    "CaseTag: \"[%n/%n]\" must contain %n exactly once" },
	{ "CaseTag [%N]", NULL, NULL,
	    "CaseTag: \"[%N]\" must contain %n exactly once" },
	{ "CaseTag %n", NULL, NULL, "CaseTag: \"%n\" needs text besides %n" },
	{ "CaseTag \" %n \"", NULL, NULL,
	    "CaseTag: \" %n \" needs text besides %n" },
	{ "CaseTag [1%n]", NULL, NULL, "CaseTag: \"[1%n]\": a digit next to %n" },
	{ "CaseTag [%n0]", NULL, NULL, "CaseTag: \"[%n0]\": a digit next to %n" },
	{ "CaseTag \"[%n]\x01\"", NULL, NULL,
	    "CaseTag: \"[%n]?\" is not UTF-8 text without control characters" },
	{ "CaseTag [%n]\xc2\x85", NULL, NULL,
	    "CaseTag: \"[%n]??\" is not UTF-8 text without control characters" },
	{ "CaseTag [%n]\xff", NULL, NULL,
	    "CaseTag: \"[%n]?\" is not UTF-8 text without control characters" },
	{ "CaseTag [%n]0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789"
	    "012345678901234567", NULL, NULL,
	    "CaseTag: longer than 100 bytes" },
	{ "CaseTag \"[%n]", NULL, NULL, "CaseTag: no closing quote" },
	{ "CaseTag \"[%n]\"x", NULL, NULL,
	    "CaseTag: text after the closing quote" },
	{ "CaseTag \"\"", NULL, NULL, "CaseTag: missing value" },
	{ "CaseTag none", NULL, NULL,
	    "CaseTag: \"none\" must contain %n exactly once" },
	/* CaseStart 1..999999999 */
	{ "CaseStart 1", "CaseStart", "1", NULL },
	{ "CaseStart 999999999", "CaseStart", "999999999", NULL },
	{ "CaseStart 0", NULL, NULL, "CaseStart: 0 is out of range 1..999999999" },
	{ "CaseStart 1000000000", NULL, NULL,
	    "CaseStart: 1000000000 is out of range 1..999999999" },
	{ "CaseStart 1e5", NULL, NULL, "CaseStart: \"1e5\" is not a number" },
	/* CaseRefPattern: one capture group */
	{ "CaseRefPattern Ticket#(\\d+)", "CaseRefPattern", "Ticket#(\\d+)", NULL },
	{ "CaseRefPattern \"\\[Ticket #(\\d+)\\]\"", "CaseRefPattern",
	    "\"\\\\[Ticket #(\\\\d+)\\\\]\"", NULL },
	{ "CaseRefPattern (?i)(?:INC|REQ)-(\\d{6})", "CaseRefPattern",
	    "(?i)(?:INC|REQ)-(\\d{6})", NULL },
	{ "CaseRefPattern RT-(?<id>\\d+)", "CaseRefPattern", "RT-(?<id>\\d+)",
	    NULL },
	{ "CaseRefPattern none", "CaseRefPattern", "none", NULL },
	{ "CaseRefPattern Ticket#\\d+", NULL, NULL,
	    "CaseRefPattern: \"Ticket#\\d+\" has 0 capture groups, not exactly one" },
	{ "CaseRefPattern (\\w+)#(\\d+)", NULL, NULL,
	    "CaseRefPattern: \"(\\w+)#(\\d+)\" has 2 capture groups, not "
	    "exactly one" },
	/* the word lists (ChangeKeywords deprecated, the same type) */
	{ "ChangeKeywords alter", "ChangeKeywords", "alter", NULL },
	{ "ChangeKeywords alter, Mettre, \xc3\xa9" "diter", "ChangeKeywords",
	    "alter, editer, mettre", NULL },
	{ "ChangeVerbs Zap, \xc3\x89" "TEINDRE, zap", "ChangeVerbs",
	    "eteindre, zap", NULL },
	{ "ObjectVerbs none", "ObjectVerbs", "none", NULL },
	{ "ChangeObjects Stra\xc3\x9f" "e", "ChangeObjects", "strasse", NULL },
	{ "OtherPINWords badge", "OtherPINWords", "badge", NULL },
	{ "ChangeVerbs sign-up", NULL, NULL,
	    "ChangeVerbs: \"sign-up\" is not a single word of letters and "
	    "digits" },
	{ "ChangeKeywords none", "ChangeKeywords", "none", NULL },
	{ "ChangeKeywords a b a", "ChangeKeywords", "a, b", NULL },
	{ "ChangeKeywords sign-up", NULL, NULL,
	    "ChangeKeywords: \"sign-up\" is not a single word of letters and "
	    "digits" },
	{ "ChangeKeywords don't", NULL, NULL,
	    "ChangeKeywords: \"don't\" is not a single word of letters and "
	    "digits" },
	{ "ChangeKeywords abc\xff", NULL, NULL,
	    "ChangeKeywords: \"abc?\" is not a single word of letters and "
	    "digits" },
	{ "ChangeKeywords "
	    "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcde",
	    NULL, NULL, "ChangeKeywords: \"abcdefghijabcdefghijabcdefghijabcdefghij"
	    "abcdefghijabcdefghijabcde\" is longer than 64 bytes" },
	/* ReplyToTokens */
	{ "ReplyToTokens no", "ReplyToTokens", "no", NULL },
	{ "ReplyToTokens On", "ReplyToTokens", "yes", NULL },
	{ "ReplyToTokens sometimes", NULL, NULL,
	    "ReplyToTokens: \"sometimes\" is not yes or no" },
	/* SMTPRelay */
	{ "SMTPRelay 127.0.0.1:25", "SMTPRelay", "127.0.0.1:25", NULL },
	{ "SMTPRelay relay-1.example.com:587", "SMTPRelay",
	    "relay-1.example.com:587", NULL },
	{ "SMTPRelay [::1]:2525", "SMTPRelay", "[::1]:2525", NULL },
	{ "SMTPRelay none", "SMTPRelay", "none", NULL },
	{ "SMTPRelay relay.example.com", NULL, NULL,
	    "SMTPRelay: \"relay.example.com\" is not HOST:PORT or "
	    "[ADDRESS]:PORT" },
	{ "SMTPRelay ::1:25", NULL, NULL,
	    "SMTPRelay: \"::1:25\" is not HOST:PORT or [ADDRESS]:PORT" },
	{ "SMTPRelay [::1:25", NULL, NULL,
	    "SMTPRelay: \"[::1:25\" is not HOST:PORT or [ADDRESS]:PORT" },
	{ "SMTPRelay :25", NULL, NULL,
	    "SMTPRelay: \":25\" is not HOST:PORT or [ADDRESS]:PORT" },
	{ "SMTPRelay -relay:25", NULL, NULL,
	    "SMTPRelay: \"-relay:25\" is not HOST:PORT or [ADDRESS]:PORT" },
	{ "SMTPRelay re_lay:25", NULL, NULL,
	    "SMTPRelay: \"re_lay:25\" is not HOST:PORT or [ADDRESS]:PORT" },
	{ "SMTPRelay relay:0", NULL, NULL,
	    "SMTPRelay: \"relay:0\": port is not 1..65535" },
	{ "SMTPRelay relay:65536", NULL, NULL,
	    "SMTPRelay: \"relay:65536\": port is not 1..65535" },
	{ "SMTPRelay relay:smtp", NULL, NULL,
	    "SMTPRelay: \"relay:smtp\": port is not 1..65535" },
	{ "SMTPRelay relay:", NULL, NULL,
	    "SMTPRelay: \"relay:\": port is not 1..65535" },
	/* MaxNoticesPerDay 1..1000 */
	{ "MaxNoticesPerDay 1", "MaxNoticesPerDay", "1", NULL },
	{ "MaxNoticesPerDay 1000", "MaxNoticesPerDay", "1000", NULL },
	{ "MaxNoticesPerDay 0", NULL, NULL,
	    "MaxNoticesPerDay: 0 is out of range 1..1000" },
	{ "MaxNoticesPerDay 1001", NULL, NULL,
	    "MaxNoticesPerDay: 1001 is out of range 1..1000" },
	/* PinIssueInterval 0..7d */
	{ "PinIssueInterval 0", "PinIssueInterval", "0", NULL },
	{ "PinIssueInterval 90", "PinIssueInterval", "90s", NULL },
	{ "PinIssueInterval 7d", "PinIssueInterval", "7d", NULL },
	{ "PinIssueInterval 604801", NULL, NULL,
	    "PinIssueInterval: 604801 is out of range 0..7d" },
	{ "PinIssueInterval 1y", NULL, NULL,
	    "PinIssueInterval: \"1y\" is not a duration (90s, 15m, 1h, 2d)" },
	/* OutboxMaxAttempts 1..100 */
	{ "OutboxMaxAttempts 1", "OutboxMaxAttempts", "1", NULL },
	{ "OutboxMaxAttempts 100", "OutboxMaxAttempts", "100", NULL },
	{ "OutboxMaxAttempts 0", NULL, NULL,
	    "OutboxMaxAttempts: 0 is out of range 1..100" },
	{ "OutboxMaxAttempts 101", NULL, NULL,
	    "OutboxMaxAttempts: 101 is out of range 1..100" },
	/* OutboxRetry 1s..1d */
	{ "OutboxRetry 1", "OutboxRetry", "1s", NULL },
	{ "OutboxRetry 1d", "OutboxRetry", "1d", NULL },
	{ "OutboxRetry 0", NULL, NULL, "OutboxRetry: 0 is out of range 1s..1d" },
	{ "OutboxRetry 86401", NULL, NULL,
	    "OutboxRetry: 86401 is out of range 1s..1d" },
	/* NoticeLanguage */
	{ "NoticeLanguage fr", "NoticeLanguage", "fr", NULL },
	{ "NoticeLanguage pt-BR", "NoticeLanguage", "pt-BR", NULL },
	{ "NoticeLanguage fr_CA", "NoticeLanguage", "fr_CA", NULL },
	{ "NoticeLanguage zh-Hant-TW", "NoticeLanguage", "zh-Hant-TW", NULL },
	{ "NoticeLanguage e", NULL, NULL,
	    "NoticeLanguage: \"e\" is not a language tag (en, fr, pt-BR)" },
	{ "NoticeLanguage ../etc", NULL, NULL,
	    "NoticeLanguage: \"../etc\" is not a language tag (en, fr, pt-BR)" },
	{ "NoticeLanguage en/x", NULL, NULL,
	    "NoticeLanguage: \"en/x\" is not a language tag (en, fr, pt-BR)" },
	{ "NoticeLanguage en-", NULL, NULL,
	    "NoticeLanguage: \"en-\" is not a language tag (en, fr, pt-BR)" },
	{ "NoticeLanguage english1", NULL, NULL,
	    "NoticeLanguage: \"english1\" is not a language tag (en, fr, pt-BR)" },
	/* quoting works for every key */
	{ "MaxFailures \"7\"", "MaxFailures", "7", NULL },
	{ "Database \"/srv/a #b\" # comment", "Database", "\"/srv/a #b\"", NULL },
	{ "Database \"/srv/q\\\"x\\\\y\"", "Database", "/srv/q\"x\\y", NULL },
	/* key names are case-insensitive; the error names the key as documented */
	{ "maxfailures 7", "MaxFailures", "7", NULL },
	{ "MAXFAILURES 0", NULL, NULL, "MaxFailures: 0 is out of range 1..100" },
	/* a long value is cut in the error */
	{ "Database relative/0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789", NULL, NULL,
	    "Database: \"relative/0123456789012345678901234567890123456789"
	    "01234567890123456789012...\" is not an absolute path" },
	{ "Database \x01x", NULL, NULL,
	    "Database: \"?x\" is not an absolute path" },
};

static void
test_key_cases(void)
{
	char text[1024], err[1024], want[1200];
	const struct keycase *t;
	struct pm_config *c;
	size_t i;

	for (i = 0; i < sizeof(key_cases) / sizeof(key_cases[0]); i++) {
		t = &key_cases[i];
		(void)snprintf(text, sizeof(text), "%s\n", t->line);
		err[0] = '\0';
		c = load_text(text, err, sizeof(err));
		if (t->want != NULL) {
			ok(c != NULL, "loads: %s", t->line);
			if (c == NULL)
				printf("#   %s\n", err);
			else
				is_str(dump_value(c, t->key), t->want,
				    "dump after: %s", t->line);
		} else {
			(void)snprintf(want, sizeof(want), "%s:1: %s", cfpath,
			    t->reason);
			ok(c == NULL, "refused: %s", t->line);
			is_str(err, want, "error for: %s", t->line);
		}
		config_free(c);
	}
}

static void
test_durations(void)
{
	static const struct {
		const char *s;
		int rc;
		unsigned want;
	} t[] = {
		{ "0", 0, 0 }, { "90", 0, 90 }, { "90s", 0, 90 },
		{ "90S", 0, 90 }, { "15m", 0, 900 }, { "1h", 0, 3600 },
		{ "2d", 0, 172800 }, { "2D", 0, 172800 }, { "007m", 0, 420 },
		{ "4294967295", 0, 4294967295U }, { "4294967295s", 0, 4294967295U },
		{ "49710d", 0, 49710U * 86400U },
		{ "4294967296", -1, 0 }, { "49711d", -1, 0 },
		{ "71582789m", -1, 0 }, { "", -1, 0 }, { "s", -1, 0 },
		{ "1.5h", -1, 0 }, { "-1", -1, 0 }, { "+1", -1, 0 },
		{ " 1", -1, 0 }, { "1 ", -1, 0 }, { "1hh", -1, 0 },
		{ "1h30m", -1, 0 }, { "1w", -1, 0 }, { "1ms", -1, 0 },
		{ "0x10", -1, 0 },
	};
	unsigned v;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		v = 12345;
		rc = config_parse_duration(t[i].s, &v);
		is_int(rc, t[i].rc, "config_parse_duration(\"%s\") returns %d",
		    t[i].s, t[i].rc);
		if (t[i].rc == 0)
			is_int(v, t[i].want, "config_parse_duration(\"%s\") = %u",
			    t[i].s, t[i].want);
		else
			is_int(v, 12345, "config_parse_duration(\"%s\") leaves "
			    "the output alone", t[i].s);
	}
	is_int(config_parse_duration(NULL, &v), -1, "duration NULL refused");
}

static void
test_sizes(void)
{
	static const struct {
		const char *s;
		int rc;
		unsigned long long want;
	} t[] = {
		{ "0", 0, 0 }, { "1048576", 0, 1048576 }, { "512k", 0, 524288 },
		{ "512K", 0, 524288 }, { "20M", 0, 20971520 },
		{ "20m", 0, 20971520 }, { "1G", 0, 1073741824 },
		{ "1g", 0, 1073741824 }, { "4G", 0, 4294967296ULL },
		{ "18446744073709551615", 0, 18446744073709551615ULL },
		{ "18446744073709551616", -1, 0 },
		{ "17179869184G", -1, 0 }, { "", -1, 0 }, { "k", -1, 0 },
		{ "1.5M", -1, 0 }, { "20MB", -1, 0 }, { "-1", -1, 0 },
		{ "1T", -1, 0 }, { " 1k", -1, 0 }, { "1k ", -1, 0 },
	};
	size_t v, i;
	int rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (SIZE_MAX < 0xffffffffffffffffULL && t[i].want > SIZE_MAX) {
			ok(1, "# SKIP %s does not fit size_t here", t[i].s);
			continue;
		}
		v = 12345;
		rc = config_parse_size(t[i].s, &v);
		is_int(rc, t[i].rc, "config_parse_size(\"%s\") returns %d",
		    t[i].s, t[i].rc);
		if (t[i].rc == 0)
			ok(v == t[i].want, "config_parse_size(\"%s\") = %llu",
			    t[i].s, t[i].want);
	}
	is_int(config_parse_size(NULL, &v), -1, "size NULL refused");
}

static void
test_bools(void)
{
	static const struct {
		const char *s;
		const char *want;	/* dump value, NULL: refused */
	} t[] = {
		{ "yes", "yes" }, { "YES", "yes" }, { "true", "yes" },
		{ "True", "yes" }, { "on", "yes" }, { "ON", "yes" }, { "1", "yes" },
		{ "no", "no" }, { "No", "no" }, { "false", "no" },
		{ "FALSE", "no" }, { "off", "no" }, { "Off", "no" }, { "0", "no" },
		{ "y", NULL }, { "n", NULL }, { "2", NULL }, { "yess", NULL },
		{ "enabled", NULL }, { "01", NULL },
	};
	char text[128], err[512];
	struct pm_config *c;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		(void)snprintf(text, sizeof(text), "RequireAlignedFrom %s\n",
		    t[i].s);
		c = load_text(text, err, sizeof(err));
		if (t[i].want != NULL)
			is_str(c != NULL ? dump_value(c, "RequireAlignedFrom") :
			    err, t[i].want, "bool \"%s\"", t[i].s);
		else
			ok(c == NULL && strstr(err, "is not yes or no") != NULL,
			    "bool \"%s\" refused", t[i].s);
		config_free(c);
	}
}

/*
 * Errors about the file's structure, with their exact line numbers.
 */
static void
check_error(const char *text, size_t len, const char *want_tail,
    const char *what)
{
	char err[1024], want[1200];
	const char *path = write_conf("s.conf", text, len);
	struct pm_config *c = config_load(path, err, sizeof(err));

	(void)snprintf(want, sizeof(want), "%s:%s", path, want_tail);
	ok(c == NULL, "%s: refused", what);
	is_str(err, want, "%s: error text", what);
	config_free(c);
}

#define CHECK_ERROR(text, tail, what) \
	check_error((text), sizeof(text) - 1, (tail), (what))

static void
test_structure_errors(void)
{
	char *big;

	CHECK_ERROR("# c\nFooBar 1\n", "2: FooBar: unknown key", "unknown key");
	CHECK_ERROR("Max-Failures 1\n", "1: Max-Failures: unknown key",
	    "unknown key with a dash");
	CHECK_ERROR("MaxFailures=3\n", "1: MaxFailures=3: unknown key",
	    "Key=value is not the syntax");
	CHECK_ERROR("Bad\x02Key 1\n", "1: Bad?Key: unknown key",
	    "unknown key made printable");
	CHECK_ERROR("\n\nMaxFailures 3\n# x\nmaxfailures 4\n",
	    "5: MaxFailures: given twice, first at line 3", "duplicate key");
	CHECK_ERROR("Socket unix:/a\nSocket unix:/a\n",
	    "2: Socket: given twice, first at line 1",
	    "duplicate key, same value");
	CHECK_ERROR("MaxFailures\n", "1: MaxFailures: missing value",
	    "missing value");
	CHECK_ERROR("MaxFailures   \t \n", "1: MaxFailures: missing value",
	    "missing value, trailing blanks");
	CHECK_ERROR("MaxFailures # five\n", "1: MaxFailures: missing value",
	    "missing value, only a comment");
	CHECK_ERROR("MaxCandidates 3\nMaxFailures 1\0 0\n",
	    "2: NUL byte in line", "NUL byte");
	CHECK_ERROR("MaxFailures 3\r\nMaxCandidates 0\r\n",
	    "2: MaxCandidates: 0 is out of range 1..20", "CRLF lines");

	/* 4096 bytes is the longest line; 4097 is refused. */
	if ((big = malloc(4200)) == NULL)
		return;
	memset(big, ' ', 4200);
	memcpy(big, "# comment", 9);
	big[4096] = '\n';
	memcpy(big + 4097, "MaxFailures 0\n", 14);
	check_error(big, 4097 + 14, "2: MaxFailures: 0 is out of range 1..100",
	    "a 4096-byte line is read whole");
	big[4096] = ' ';
	big[4097] = '\n';
	memcpy(big + 4098, "MaxFailures 0\n", 14);
	check_error(big, 4098 + 14, "1: line longer than 4096 bytes",
	    "a 4097-byte line is refused");
	free(big);
}

static void
test_open_errors(void)
{
	char path[600], err[1024], want[1200];
	struct pm_config *c;

	(void)snprintf(path, sizeof(path), "%s/missing.conf", tdir);
	c = config_load(path, err, sizeof(err));
	(void)snprintf(want, sizeof(want), "%s: cannot open: %s", path,
	    strerror(ENOENT));
	ok(c == NULL, "missing file refused");
	is_str(err, want, "missing file: error text");
	c = config_load(tdir, err, sizeof(err));
	(void)snprintf(want, sizeof(want), "%s: cannot open: %s", tdir,
	    strerror(EISDIR));
	ok(c == NULL, "directory refused");
	is_str(err, want, "directory: error text");
	ok(config_load(path, NULL, 0) == NULL, "no error buffer: still NULL");
	c = config_load(path, err, 10);
	ok(c == NULL && strlen(err) == 9, "error text cut to the buffer");
	config_free(NULL);
	ok(1, "config_free(NULL) does nothing");
}

/* Comments, blank lines, white space, an empty file. */
static void
test_comments(void)
{
	static const char text[] =
	    "# pinmilter.conf\n"
	    "\n"
	    "   \t\n"
	    "  # indented comment\n"
	    "MaxFailures 7 # trailing comment\n"
	    "\tMaxCandidates\t\t4\t\n"
	    "SupportAddress a#b@example.com\n"
	    "Mailer /usr/sbin/sendmail -t\t# comment after a tab\n"
	    "#MaxMimeDepth 0\n"
	    "LockoutTime 2h";	/* no final newline */
	char err[1024] = "";
	struct pm_config *c = load_text(text, err, sizeof(err));

	ok(c != NULL, "comments and blank lines load");
	if (c == NULL) {
		printf("#   %s\n", err);
		return;
	}
	is_int(c->max_failures, 7, "trailing comment cut");
	is_int(c->max_candidates, 4, "tabs around key and value");
	is_str(c->support_addresses.n ? c->support_addresses.v[0] : "",
	    "a#b@example.com", "'#' inside a value is kept");
	is_str(c->mailer, "/usr/sbin/sendmail -t", "comment after a tab cut");
	is_int(c->max_mime_depth, 10, "commented-out key keeps its default");
	is_int(c->lockout_time, 7200, "last line without a newline");
	config_free(c);

	c = load_text("", err, sizeof(err));
	ok(c != NULL && c->max_failures == 5, "an empty file gives the defaults");
	config_free(c);
}

/* Repeated lists accumulate, "none" empties, duplicates fold, 100 max. */
static void
test_lists(void)
{
	char *text, err[1024];
	struct pm_config *c;
	size_t i, n = 0;

	c = load_text("SupportAddress a@x.org\nSupportAddress none\n"
	    "SupportAddress b@x.org\n", err, sizeof(err));
	is_str(c != NULL ? dump_value(c, "SupportAddress") : err, "b@x.org",
	    "none empties a list, later lines add again");
	config_free(c);
	c = load_text("TrustedAuthservIDs a , b,,c\tb\n", err, sizeof(err));
	is_str(c != NULL ? dump_value(c, "TrustedAuthservIDs") : err,
	    "a, b, c", "commas and white space separate; duplicates fold");
	config_free(c);

	if ((text = malloc(128 * 40)) == NULL)
		return;
	for (i = 0; i < 100; i++)
		n += (size_t)snprintf(text + n, 128 * 40 - n,
		    "SupportAddress s%zu@x.org\n", i);
	c = load_text(text, err, sizeof(err));
	ok(c != NULL && c->support_addresses.n == 100, "100 list values load");
	config_free(c);
	(void)snprintf(text + n, 128 * 40 - n, "SupportAddress s100@x.org\n");
	c = load_text(text, err, sizeof(err));
	ok(c == NULL && strstr(err, ":101: SupportAddress: more than 100 "
	    "values") != NULL, "101 list values refused");
	free(text);
	config_free(c);
}

static void
test_support_address(void)
{
	static const struct {
		const char *addr;
		bool want;
	} t[] = {
		{ "support@example.com", true },
		{ "<support@example.com>", true },
		{ "SUPPORT@EXAMPLE.COM", true },
		{ "<Support@Example.Com>", true },
		{ "support+case-100042@example.com", true },
		{ "<support+abc+def@example.com>", true },
		{ "Support+X@example.com", true },
		{ "support+@example.com", true },
		{ " <support@example.com> ", true },
		{ "help@example.net", true },
		{ "help+1@EXAMPLE.NET", true },
		{ "help.desk@example.org", true },
		{ "help.desk+9@example.org", true },
		{ "supportx@example.com", false },
		{ "support-x@example.com", false },
		{ "xsupport@example.com", false },
		{ "suppor@example.com", false },
		{ "support@example.org", false },
		{ "support@example.com.evil", false },
		{ "support@sub.example.com", false },
		{ "support@examplexcom", false },
		{ "help@example.com", false },
		{ "help.desk@example.net", false },
		{ "support", false },
		{ "support@", false },
		{ "@example.com", false },
		{ "<>", false },
		{ "", false },
		{ "<support@example.com", false },
		{ "sales+support@example.com", false },
		/* the forms Postfix relays to the support mailbox */
		{ "<\"support\"@example.com>", true },
		{ "\"support\"@example.com", true },
		{ "<support@example.com.>", true },
		{ "<@relay.example:support@example.com>", true },
		{ "<@a.example,@b.example:support@example.com>", true },
		{ "<support@EXAMPLE.com>", true },
		{ "<sup\\port@example.com>", true },
		{ "<\"sup\\port\"@example.com>", true },
		{ "< support @ example.com >", true },
		{ "<support(desk)@example.com>", true },
		{ "<\"support+case 1\"@example.com>", true },
		{ "<@relay.example:\"Support\"@Example.COM.>", true },
		{ "<\"help.desk\"@example.org.>", true },
		/* and forms that are other addresses */
		{ "<\"support \"@example.com>", false },
		{ "<\"sup port\"@example.com>", false },
		{ "<\"support@example.com\"@evil.example>", false },
		{ "<support\\@example.com@evil.example>", false },
		{ "<support@example.com..>", false },
		{ "<support@[192.0.2.1]>", false },
	};
	char err[1024];
	struct pm_config *c;
	size_t i;

	c = load_text("SupportAddress Support@Example.com help@example.net\n"
	    "SupportAddress help.desk@example.org\n", err, sizeof(err));
	ok(c != NULL, "support addresses load");
	if (c == NULL)
		return;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		is_int(config_is_support_address(c, t[i].addr), t[i].want,
		    "is_support_address(\"%s\") = %s", t[i].addr,
		    t[i].want ? "yes" : "no");
	ok(!config_is_support_address(c, NULL), "NULL address is not support");
	ok(!config_is_support_address(NULL, "support@example.com"),
	    "NULL config matches nothing");
	config_free(c);
	c = config_defaults();
	ok(c != NULL && !config_is_support_address(c, "support@example.com"),
	    "no SupportAddress: nothing matches");
	config_free(c);
}

/* VerifiedRecipient: matched as support addresses are; never one of them. */
static void
test_verified_recipient(void)
{
	static const struct { const char *addr; bool want; } t[] = {
		{ "verified@example.com", true },
		{ "<Verified@EXAMPLE.com.>", true },
		{ "<\"verified\"@example.com>", true },
		{ "<verified+x@example.com>", true },
		{ "<@relay.example:verified@example.com>", true },
		{ "<support@example.com>", false },
		{ "<verifiedx@example.com>", false },
		{ "<verified@example.org>", false },
		{ "", false },
	};
	char err[1024], want[1200];
	struct pm_config *c;
	size_t i;

	c = load_text("SupportAddress support@example.com\n"
	    "VerifiedRecipient Verified@Example.com\n", err, sizeof(err));
	ok(c != NULL, "VerifiedRecipient loads");
	if (c == NULL)
		return;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		is_int(config_is_verified_recipient(c, t[i].addr), t[i].want,
		    "is_verified_recipient(\"%s\") = %s", t[i].addr,
		    t[i].want ? "yes" : "no");
	config_free(c);
	c = config_defaults();
	ok(c != NULL && !config_is_verified_recipient(c, "<none@example.com>"),
	    "no VerifiedRecipient: nothing matches");
	config_free(c);
	/* a support address, or a plus-address of one, is refused */
	c = load_text("SupportAddress support@example.com\n"
	    "VerifiedRecipient support+ok@example.com\n", err, sizeof(err));
	(void)snprintf(want, sizeof(want), "%s:2: VerifiedRecipient: is a "
	    "SupportAddress (or a plus-address of one); it must be a mailbox "
	    "of its own", cfpath);
	ok(c == NULL, "VerifiedRecipient that is a support address: refused");
	is_str(err, want, "and the reason names the line");
	config_free(c);
}

/* CaseRefPattern that GLib cannot compile: its message, after the key. */
static void
test_regex_errors(void)
{
	static const char *const bad[] = {
		"Ticket#(\\d+", "[Ticket#(\\d+)", "(?<x>a)(?<x>b)", "(a)\\",
		"a(?P<1>b)", "(\x01",
	};
	char text[256], err[1024], want[600];
	struct pm_config *c;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		(void)snprintf(text, sizeof(text), "\nCaseRefPattern %s\n",
		    bad[i]);
		c = load_text(text, err, sizeof(err));
		(void)snprintf(want, sizeof(want), "%s:2: CaseRefPattern: ",
		    cfpath);
		ok(c == NULL, "CaseRefPattern %s refused", bad[i]);
		ok(strncmp(err, want, strlen(want)) == 0 &&
		    strstr(err, "regular expression") != NULL,
		    "CaseRefPattern %s: file:line: key: GLib's message", bad[i]);
		config_free(c);
	}
	ok(strchr(err, '\x01') == NULL && strstr(err, "(?") != NULL,
	    "a control character in GLib's message is made printable");
}

/* config_case_tag: "%n" replaced by the number, the rest as written. */
static void
test_case_tag(void)
{
	static const struct {
		const char *tag;	/* NULL: the defaults */
		int64_t n;
		const char *want;
	} t[] = {
		{ NULL, 100042, "[Case #100042]" },
		{ NULL, 1, "[Case #1]" },
		{ NULL, INT64_MAX, "[Case #9223372036854775807]" },
		{ "\"[#%n]\"", 7, "[#7]" },
		{ "Case-%n", 100000, "Case-100000" },
		{ "\"%n is your case\"", 12, "12 is your case" },
		{ "\"100% [%n]\"", 5, "100% [5]" },
		{ "(Dossier n\xc2\xb0 %n)", 42, "(Dossier n\xc2\xb0 42)" },
	};
	char text[256], err[1024], *got;
	struct pm_config *c;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (t[i].tag == NULL)
			c = config_defaults();
		else {
			(void)snprintf(text, sizeof(text), "CaseTag %s\n",
			    t[i].tag);
			c = load_text(text, err, sizeof(err));
		}
		got = c != NULL ? config_case_tag(c, t[i].n) : NULL;
		is_str(got, t[i].want, "config_case_tag(%s, %lld)",
		    t[i].tag != NULL ? t[i].tag : "default", (long long)t[i].n);
		g_free(got);
		config_free(c);
	}
	got = config_case_tag(NULL, 3);
	is_str(got, "[Case #3]", "config_case_tag without a config: default");
	g_free(got);
}

/* config_dump output loads back to the same dump. */
static void
test_dump_round_trip(void)
{
	char err[1024], *d1 = NULL, *d2 = NULL;
	struct pm_config *c1, *c2 = NULL;
	const char *path;

	c1 = load_text("SupportAddress a@b.c, d@e.f\nDatabaseTimeout 90\n"
	    "Syslog no\nUserID pm\nMaxMessageSize 1000000\n"
	    "OnInternalError accept\n"
	    "CaseTag \" \\\"Case\\\\ #%n\"\n"
	    "CaseRefPattern \"#\\[T #(\\d+)\\]\"\n"
	    "ChangeKeywords \xc3\xa9" "diter, x\n"
	    "SMTPRelay [::1]:25\n"
	    "NoticeLanguage fr\n", err, sizeof(err));
	if (c1 != NULL) {
		is_str(c1->case_tag, " \"Case\\ #%n", "quoted CaseTag unescaped");
		is_str(dump_value(c1, "CaseTag"), "\" \\\"Case\\\\ #%n\"",
		    "CaseTag dumped quoted and escaped");
		is_str(c1->case_ref_pattern, "#\\[T #(\\d+)\\]",
		    "quoted CaseRefPattern starting with #");
	} else
		printf("#   %s\n", err);
	if (c1 != NULL && (d1 = dump_all(c1)) != NULL) {
		path = write_conf("dump.conf", d1, strlen(d1));
		c2 = config_load(path, err, sizeof(err));
		if (c2 != NULL)
			d2 = dump_all(c2);
	}
	ok(c2 != NULL, "a dump loads as a config file");
	is_str(d2, d1, "dump, load, dump gives the same text");
	free(d1);
	free(d2);
	config_free(c1);
	config_free(c2);
}

/* Every commented-out "#Key value" line of the sample is valid too. */
static void
test_sample_uncommented(const char *path)
{
	char line[4200], err[1024], *text;
	size_t n = 0, size = 64 * 1024, len, keys = 0;
	struct pm_config *c;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL || (text = malloc(size)) == NULL) {
		ok(0, "read %s", path);
		if (fp != NULL)
			(void)fclose(fp);
		return;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		const char *l = line;

		if (l[0] == '#' && l[1] >= 'A' && l[1] <= 'Z') {
			l++;
			keys++;
		}
		len = strlen(l);
		if (n + len + 1 > size)
			break;
		memcpy(text + n, l, len);
		n += len;
	}
	text[n] = '\0';
	(void)fclose(fp);
	ok(keys >= 15, "sample shows %zu commented-out keys", keys);
	c = load_text(text, err, sizeof(err));
	ok(c != NULL, "sample with every commented-out key enabled loads");
	if (c == NULL)
		printf("#   %s\n", err);
	else {
		struct pm_config *d = config_defaults();
		char want[8192];

		is_str(dump_value(c, "MaxMessageSize"), "50M",
		    "sample shows the default MaxMessageSize");
		static const char *const lists[] = { "ChangeVerbs",
		    "ObjectVerbs", "ChangeObjects", "OtherPINWords",
		    "ChangeKeywords" };
		size_t k;

		for (k = 0; k < sizeof(lists) / sizeof(lists[0]); k++) {
			(void)snprintf(want, sizeof(want), "%s",
			    d != NULL ? dump_value(d, lists[k]) : "");
			is_str(dump_value(c, lists[k]), want,
			    "sample shows the default %s", lists[k]);
		}
		is_str(c->case_tag, "[Case #%n]", "sample shows the default CaseTag");
		is_str(c->case_ref_pattern, "(?i)\\[Ticket#(\\d+)\\]",
		    "sample's CaseRefPattern example unquotes");
		config_free(d);
	}
	config_free(c);
	free(text);
}

/* The sample conf/pinmilter.conf loads, with its live lines. */
static void
test_sample(void)
{
	const char *top = getenv("top_srcdir");
	char path[1024], err[1024];
	struct pm_config *c;

	if (top == NULL) {
		ok(1, "# SKIP top_srcdir not set: sample not checked");
		return;
	}
	(void)snprintf(path, sizeof(path), "%s/conf/pinmilter.conf", top);
	c = config_load(path, err, sizeof(err));
	ok(c != NULL, "conf/pinmilter.conf loads");
	if (c == NULL) {
		printf("#   %s\n", err);
		return;
	}
	ok(c->support_addresses.n >= 1, "sample has a SupportAddress");
	is_int(c->max_failures, 5, "sample keeps MaxFailures at its default");
	is_int(c->on_internal_error, PM_ON_ERROR_TEMPFAIL,
	    "sample keeps OnInternalError tempfail");
	config_free(c);
	test_sample_uncommented(path);
}

int
main(void)
{
	tdir_make("test_config");
	test_defaults();
	test_dump_defaults();
	test_every_key_set();
	test_key_cases();
	test_durations();
	test_sizes();
	test_bools();
	test_structure_errors();
	test_open_errors();
	test_comments();
	test_lists();
	test_lexicon_bound();
	test_support_address();
	test_verified_recipient();
	test_regex_errors();
	test_case_tag();
	test_dump_round_trip();
	test_sample();
	rmtree(tdir);
	return tap_done();
}
