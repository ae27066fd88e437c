/*
 * reload.c - SIGHUP: the configuration and notice templates read again
 * and published whole, as a new live generation.
 *
 * Messages in flight keep the generation they started with (live.c); the
 * next message gets the new one.  Nothing of a half-read configuration is
 * ever used: the new file is loaded and checked first, its templates
 * loaded, and only then published.  What the running process cannot
 * change (the socket it listens on, the database its threads hold open,
 * the key, the user it became, its PidFile and log destination) keeps its
 * running value, with a log line saying a restart is needed.
 *
 * Diagnostics: one line per refused reload (why), one per key needing a
 * restart, one for a reload done.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "milter/live.h"
#include "milter/reload.h"
#include "notice/notice.h"
#include "notice/outbox.h"
#include "util/log.h"

/* The keys a running daemon cannot change. */
static const struct {
	const char *key;
	size_t off;
} restart_keys[] = {
	{ "Socket", offsetof(struct pm_config, socket) },
	{ "Database", offsetof(struct pm_config, database) },
	{ "KeyFile", offsetof(struct pm_config, key_file) },
	{ "UserID", offsetof(struct pm_config, user_id) },
	{ "PidFile", offsetof(struct pm_config, pid_file) },
	{ "LogFile", offsetof(struct pm_config, log_file) },
	{ "Syslog", offsetof(struct pm_config, syslog_facility) },
};

#define NRESTART_KEYS	(sizeof(restart_keys) / sizeof(restart_keys[0]))

static char **
text_field(const struct pm_config *cfg, size_t off)
{
	return (char **)(void *)((char *)(uintptr_t)cfg + off);
}

/* Give NEW the running value of every restart-only key, saying so. */
static void
reload_keep_restart_keys(struct pm_config *new, const struct pm_config *cur)
{
	size_t i;

	for (i = 0; i < NRESTART_KEYS; i++) {
		char **nv = text_field(new, restart_keys[i].off);
		const char *cv = *text_field(cur, restart_keys[i].off);

		if (g_strcmp0(*nv, cv) == 0)
			continue;
		pm_log_warn("reload: %s changed to %s: takes effect at the "
		    "next restart (%s kept)", restart_keys[i].key,
		    *nv != NULL ? *nv : "none", cv != NULL ? cv : "none");
		g_free(*nv);
		*nv = g_strdup(cv);
	}
}

/* The templates of CFG into *OUT (NULL: notices disabled); -1 broken. */
static int
reload_templates(const struct pm_config *cfg, struct notice_templates **out)
{
	char err[512];

	*out = NULL;
	if (!notice_templates_present(cfg)) {
		pm_log_warn("reload: TemplateDir %s/%s: no such directory: "
		    "notices are disabled", cfg->template_dir,
		    cfg->notice_language);
		return 0;
	}
	if ((*out = notice_templates_load(cfg->template_dir,
	    cfg->notice_language, err, sizeof(err))) == NULL) {
		pm_log_err("reload: TemplateDir: %s: keeping the running "
		    "configuration", err);
		return -1;
	}
	return 0;
}

int
reload_run(const char *path)
{
	struct notice_templates *tmpl;
	struct pm_config *new;
	struct live *cur;
	char err[1024];
	size_t naddr;

	if ((new = config_load(path, err, sizeof(err))) == NULL) {
		pm_log_err("reload: %s: keeping the running configuration",
		    err);
		return -1;
	}
	if (new->support_addresses.n == 0) {
		pm_log_err("reload: %s: no SupportAddress configured: keeping "
		    "the running configuration", path);
		config_free(new);
		return -1;
	}
	if (reload_templates(new, &tmpl) == -1) {
		config_free(new);
		return -1;
	}
	if ((cur = live_acquire()) != NULL) {
		reload_keep_restart_keys(new, cur->cfg);
		if (cur->tmpl == NULL && tmpl != NULL)
			pm_log_warn("reload: notices were disabled at start: "
			    "they are queued, and sent after a restart");
		live_release(cur);
	}
	naddr = new->support_addresses.n;
	live_publish(new, tmpl);
	outbox_set_config(new);
	config_free(new);		/* live and the outbox hold it */
	if (log_reopen(err, sizeof(err)) == -1)
		pm_log_warn("reload: %s: logging to the file already open", err);
	pm_log_info("reloaded %s: %zu support address(es)", path, naddr);
	return 0;
}
