/*
 * config_keys.c - the keys of pinmilter.conf: one typed table.
 *
 * Every key is one row of cfg_keys[]: its name, its type, its default as
 * text, its range and where it lives in struct pm_config.  The defaults
 * are parsed by the same code as the file, so a default can never be a
 * value the file would refuse.  pinmilter.conf(5) has one list item per
 * row (tests/man/lint.sh checks it).
 *
 * Security: none here; the table is constant.
 * Diagnostics: none.
 */
#include <stdint.h>
#include <strings.h>

#include "core/config_keys.h"
#include "util/timeconst.h"

#define OFF(f)	offsetof(struct pm_config, f)

const struct cfg_key cfg_keys[] = {
	{ "Socket", CFG_SOCKET, "unix:/run/pinmilter/pinmilter.sock",
	    0, 0, OFF(socket), 0 },
	{ "Database", CFG_DATABASE, "/var/lib/pinmilter/pinmilter.db",
	    0, 0, OFF(database), 0 },
	{ "KeyFile", CFG_PATH, "/etc/pinmilter/pinmilter.key",
	    0, 0, OFF(key_file), 0 },
	{ "DatabaseTimeout", CFG_DURATION, "5s",
	    0, 10 * MINUTE, OFF(database_timeout), 0 },
	{ "SupportAddress", CFG_ADDRLIST, NULL,
	    0, 0, OFF(support_addresses), CF_REPEAT },
	{ "AuthservID", CFG_TOKEN, NULL,
	    0, 0, OFF(authserv_id), CF_HOSTNAME },
	{ "TrustedAuthservIDs", CFG_IDLIST, NULL,
	    0, 0, OFF(trusted_authserv_ids), CF_REPEAT },
	{ "RequireAlignedFrom", CFG_BOOL, "no",
	    0, 0, OFF(require_aligned_from), 0 },
	{ "MaxCandidates", CFG_UINT, "3", 1, 20, OFF(max_candidates), 0 },
	{ "MaxFailures", CFG_UINT, "5", 1, 100, OFF(max_failures), 0 },
	{ "FailureWindow", CFG_DURATION, "15m",
	    MINUTE, 7 * DAY, OFF(failure_window), 0 },
	{ "LockoutTime", CFG_DURATION, "1h",
	    MINUTE, 30 * DAY, OFF(lockout_time), 0 },
	{ "RedactPIN", CFG_BOOL, "yes", 0, 0, OFF(redact_pin), 0 },
	{ "OnInternalError", CFG_ONERROR, "tempfail",
	    0, 0, OFF(on_internal_error), 0 },
	{ "MaxMessageSize", CFG_SIZE, "50M",
	    64 * KB, GB, OFF(max_message_size), 0 },
	{ "BodyMemoryLimit", CFG_SIZE, "1M",
	    64 * KB, 64 * MB, OFF(body_memory_limit), 0 },
	{ "TempDir", CFG_PATH, "/var/tmp", 0, 0, OFF(temp_dir), 0 },
	{ "MaxMimeDepth", CFG_UINT, "10", 1, 50, OFF(max_mime_depth), 0 },
	{ "MaxMimeParts", CFG_UINT, "100", 1, 1000, OFF(max_mime_parts), 0 },
	{ "UserID", CFG_USER, NULL, 0, 0, OFF(user_id), CF_NONE },
	{ "PidFile", CFG_PATH, "/run/pinmilter/pinmilter.pid",
	    0, 0, OFF(pid_file), CF_NONE },
	{ "Syslog", CFG_FACILITY, "mail", 0, 0, OFF(syslog_facility), 0 },
	{ "LogFile", CFG_PATH, NULL, 0, 0, OFF(log_file), CF_NONE },
	{ "NoticeFrom", CFG_ADDRESS, NULL, 0, 0, OFF(notice_from), CF_NONE },
	{ "Mailer", CFG_COMMAND, "/usr/sbin/sendmail -f <> -t -i",
	    0, 0, OFF(mailer), 0 },
	{ "TemplateDir", CFG_PATH, "/etc/pinmilter/templates",
	    0, 0, OFF(template_dir), 0 },
	{ "CaseTag", CFG_CASETAG, "[Case #%n]", 0, 0, OFF(case_tag), 0 },
	{ "CaseStart", CFG_UINT, "100000", 1, 999999999, OFF(case_start), 0 },
	{ "CaseRefPattern", CFG_REGEX, NULL,
	    0, 0, OFF(case_ref_pattern), CF_NONE },
	{ "ChangeVerbs", CFG_LEXICON, cfg_default_change_verbs,
	    0, 0, OFF(change_verbs), CF_REPEAT },
	{ "ObjectVerbs", CFG_LEXICON, cfg_default_object_verbs,
	    0, 0, OFF(object_verbs), CF_REPEAT },
	{ "ChangeObjects", CFG_LEXICON, cfg_default_change_objects,
	    0, 0, OFF(change_objects), CF_REPEAT },
	{ "OtherPINWords", CFG_LEXICON, cfg_default_other_pins,
	    0, 0, OFF(other_pin_words), CF_REPEAT },
	/* deprecated: its words are added to ChangeVerbs (config_load) */
	{ "ChangeKeywords", CFG_LEXICON, NULL,
	    0, 0, OFF(change_keywords), CF_REPEAT },
	{ "ReplyToTokens", CFG_BOOL, "yes", 0, 0, OFF(reply_to_tokens), 0 },
	{ "SMTPRelay", CFG_HOSTPORT, NULL, 0, 0, OFF(smtp_relay), CF_NONE },
	{ "MaxNoticesPerDay", CFG_UINT, "10",
	    1, 1000, OFF(max_notices_per_day), 0 },
	{ "PinIssueInterval", CFG_DURATION, "1h",
	    0, 7 * DAY, OFF(pin_issue_interval), 0 },
	{ "OutboxMaxAttempts", CFG_UINT, "10",
	    1, 100, OFF(outbox_max_attempts), 0 },
	{ "OutboxRetry", CFG_DURATION, "1m",
	    1, DAY, OFF(outbox_retry), 0 },
	{ "NoticeLanguage", CFG_LANG, "en", 0, 0, OFF(notice_language), 0 },
	{ "Helpdesk", CFG_HELPDESK, "none", 0, 0, OFF(helpdesk), 0 },
	{ "ReplyToMustMatch", CFG_BOOL, "yes",
	    0, 0, OFF(reply_to_must_match), 0 },
	{ "StripHeaders", CFG_FIELDLIST, NULL,
	    0, 0, OFF(strip_headers), CF_REPEAT },
	{ "AddHeader", CFG_ADDHEADER, NULL,
	    0, 0, OFF(add_headers), CF_REPEAT },
	{ "VerifiedRecipient", CFG_ADDRESS, NULL,
	    0, 0, OFF(verified_recipient), CF_NONE },
};

const size_t cfg_nkeys = sizeof(cfg_keys) / sizeof(cfg_keys[0]);
_Static_assert(sizeof(cfg_keys) / sizeof(cfg_keys[0]) <= CFG_KEYS_MAX,
    "CFG_KEYS_MAX is too small for the table");

const char *const cfg_onerror_names[] = {
	[PM_ON_ERROR_TEMPFAIL] = "tempfail",
	[PM_ON_ERROR_ACCEPT] = "accept",
	[PM_ON_ERROR_REJECT] = "reject",
	NULL
};

const struct cfg_key *
cfg_key_find(const char *name)
{
	size_t i;

	for (i = 0; i < cfg_nkeys; i++)
		if (strcasecmp(name, cfg_keys[i].name) == 0)
			return &cfg_keys[i];
	return NULL;
}

bool
cfg_is_list(const struct cfg_key *k)
{
	return k->type == CFG_ADDRLIST || k->type == CFG_IDLIST ||
	    k->type == CFG_LEXICON || k->type == CFG_FIELDLIST ||
	    k->type == CFG_ADDHEADER;
}

/* Is the field a char * (freed by config_free)? */
bool
cfg_is_text(const struct cfg_key *k)
{
	switch (k->type) {
	case CFG_PATH:
	case CFG_DATABASE:
	case CFG_SOCKET:
	case CFG_TOKEN:
	case CFG_ADDRESS:
	case CFG_FACILITY:
	case CFG_USER:
	case CFG_COMMAND:
	case CFG_CASETAG:
	case CFG_REGEX:
	case CFG_HOSTPORT:
	case CFG_LANG:
	case CFG_HELPDESK:
		return true;
	default:
		return false;
	}
}
