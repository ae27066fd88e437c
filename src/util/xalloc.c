/*
 * xalloc.c - the out-of-memory policy: log, then abort (see xalloc.h).
 *
 * GLib already aborts when it cannot allocate, but it reports that
 * through its own log writer, to stderr, which a detached daemon has
 * pointed at /dev/null.  xalloc_init() installs a writer that sends
 * GLib's fatal (G_LOG_LEVEL_ERROR) messages to util/log and aborts; every
 * other GLib message goes to GLib's default writer, as before.
 *
 * Security notes: the log line holds GLib's message (a source location
 * and a size for an allocation failure), never message data.
 *
 * Diagnostics: "fatal: DOMAIN: MESSAGE" for GLib, "out of memory: WHAT"
 * for the libraries checked here; one line, then abort().
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "util/log.h"
#include "util/xalloc.h"

static GLogWriterOutput
xalloc_glib_writer(GLogLevelFlags level, const GLogField *fields,
    gsize nfields, gpointer data)
{
	const char *domain = "GLib", *msg = "";
	int msglen = -1;
	gsize i;

	if ((level & G_LOG_LEVEL_ERROR) == 0)
		return g_log_writer_default(level, fields, nfields, data);
	for (i = 0; i < nfields; i++) {
		if (strcmp(fields[i].key, "GLIB_DOMAIN") == 0 &&
		    fields[i].length < 0)
			domain = fields[i].value;
		else if (strcmp(fields[i].key, "MESSAGE") == 0) {
			msg = fields[i].value;
			msglen = fields[i].length < 0 ? (int)strlen(msg) :
			    (int)fields[i].length;
		}
	}
	pm_log_err("fatal: %s: %.*s", domain, msglen < 0 ? 0 : msglen, msg);
	abort();
}

void
xalloc_init(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	g_log_set_writer_func(xalloc_glib_writer, NULL, NULL);
}

void
xalloc_die(const char *what)
{
	pm_log_err("out of memory: %s", what != NULL ? what : "allocation");
	abort();
}

void *
xalloc_check(void *p, const char *what)
{
	if (p == NULL)
		xalloc_die(what);
	return p;
}
