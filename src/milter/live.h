/*
 * live.h - the running configuration and notice templates, replaced
 * whole by a reload.
 *
 * A message takes the live generation when it starts (MAIL FROM) and
 * keeps it until it ends, so a reload (SIGHUP) never changes the rules
 * in the middle of a message: messages in flight finish with the
 * configuration they started with, the next ones get the new one.  A
 * generation is freed with its last holder.  Thread-safe.
 */
#ifndef PM_LIVE_H
#define PM_LIVE_H

#include "core/config.h"

struct notice_templates;

struct live {
	int refs;				/* live_acquire() holders + 1 */
	const struct pm_config *cfg;		/* a config_ref() */
	struct notice_templates *tmpl;		/* owned; NULL: no notices */
};

/*
 * Make CFG (a reference is taken) and TMPL (owned from now on, may be
 * NULL) the live generation; the one it replaces is freed when its last
 * holder releases it.
 */
void live_publish(const struct pm_config *cfg, struct notice_templates *tmpl);

/* The live generation, held until live_release(); NULL before the first
 * live_publish() or after live_end(). */
struct live *live_acquire(void);
void live_release(struct live *l);

/* Drop the live generation (at stop). */
void live_end(void);

#endif
