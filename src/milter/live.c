/*
 * live.c - the running configuration and notice templates, as one
 * reference-counted generation that a reload replaces whole.
 *
 * Security notes: the pointer to the live generation is read and
 * replaced under one mutex, and the count is changed under it too, so a
 * generation is never freed while a message holds it.  A generation is
 * immutable once published.
 */
#include <pthread.h>

#include <glib.h>

#include "milter/live.h"
#include "notice/notice.h"

static pthread_mutex_t live_mu = PTHREAD_MUTEX_INITIALIZER;
static struct live *live_cur;

static void
live_free(struct live *l)
{
	config_unref(l->cfg);
	notice_templates_free(l->tmpl);
	g_free(l);
}

/* Drop one hold on L (live_mu held); true when it was the last. */
static bool
live_drop(struct live *l)
{
	return --l->refs == 0;
}

/* Make L (NULL: none) the live generation; drop the one it replaces. */
static void
live_replace(struct live *l)
{
	struct live *old;
	bool last;

	(void)pthread_mutex_lock(&live_mu);
	old = live_cur;
	live_cur = l;
	last = old != NULL && live_drop(old);
	(void)pthread_mutex_unlock(&live_mu);
	if (last)
		live_free(old);
}

void
live_publish(const struct pm_config *cfg, struct notice_templates *tmpl)
{
	struct live *l = g_new0(struct live, 1);

	l->refs = 1;
	l->cfg = config_ref(cfg);
	l->tmpl = tmpl;
	live_replace(l);
}

struct live *
live_acquire(void)
{
	struct live *l;

	(void)pthread_mutex_lock(&live_mu);
	if ((l = live_cur) != NULL)
		l->refs++;
	(void)pthread_mutex_unlock(&live_mu);
	return l;
}

void
live_release(struct live *l)
{
	bool last;

	if (l == NULL)
		return;
	(void)pthread_mutex_lock(&live_mu);
	last = live_drop(l);
	(void)pthread_mutex_unlock(&live_mu);
	if (last)
		live_free(l);
}

void
live_end(void)
{
	live_replace(NULL);
}
