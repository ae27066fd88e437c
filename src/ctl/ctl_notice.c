/*
 * ctl_notice.c - notices queued by pinctl: a PIN to the address on file
 * (pin issue --send) and "your address changed" to the old and the new
 * address (user set-email).
 *
 * Notices go into the outbox in the command's own transaction; the
 * running pinmilter's worker delivers them.  The PIN exists only in the
 * sealed outbox row and in wiped memory, never on stdout or in the audit.
 */
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "ctl/ctl.h"
#include "notice/notice.h"

/* The templates, loaded once per pinctl run. */
static struct notice_templates *ctl_templates;

static void
ctl_templates_free(void)
{
	notice_templates_free(ctl_templates);
	ctl_templates = NULL;
}

/* Load the templates; NULL with *why set when there are none. */
static struct notice_templates *
ctl_templates_get(struct ctl *c, char *why, size_t whylen)
{
	if (ctl_templates != NULL)
		return ctl_templates;
	if (!notice_templates_present(c->cfg)) {
		snprintf(why, whylen, "TemplateDir %s/%s: no such directory",
		    c->cfg->template_dir, c->cfg->notice_language);
		return NULL;
	}
	ctl_templates = notice_templates_load(c->cfg->template_dir,
	    c->cfg->notice_language, why, whylen);
	if (ctl_templates != NULL)
		atexit(ctl_templates_free);
	return ctl_templates;
}

int
ctl_notice(struct ctl *c, const char *kind, const struct store_user *u,
    const char *to, const char *pin, const char *old_email,
    const char *new_email, bool required)
{
	struct notice_templates *t;
	struct notice_vars v;
	char why[512], *msg = NULL, *msgid = NULL;
	size_t len = 0;
	int rc;

	if ((t = ctl_templates_get(c, why, sizeof(why))) == NULL) {
		if (required) {
			ctl_err(c, "cannot build the notice: %s", why);
			return CTL_EXIT_USAGE;
		}
		fprintf(stderr, "pinctl: warning: no %s notice queued: %s\n",
		    kind, why);
		return CTL_EXIT_OK;
	}
	memset(&v, 0, sizeof(v));
	v.name = u->name;
	v.email = to;
	v.account = u->account;
	v.pin = pin;
	v.old_email = old_email;
	v.new_email = new_email;
	if (notice_build(t, kind, &v, c->cfg, c->key, &msg, &len, &msgid) != 0) {
		ctl_err(c, "cannot build the %s notice for %s", kind, to);
		return CTL_EXIT_USAGE;
	}
	rc = notice_queue(c->st, c->key, kind, to, 0, msg, len, c->now);
	secret_wipe(msg, len);
	g_free(msg);
	g_free(msgid);
	if (rc == STORE_OK)
		rc = ctl_audit(c, "notice.queue", to, "ok", "kind=%s", kind);
	if (rc != STORE_OK)
		return ctl_store_err(c, rc, "queueing the %s notice", kind);
	return CTL_EXIT_OK;
}
