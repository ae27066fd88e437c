/*
 * reload.h - SIGHUP: read the configuration file and the notice
 * templates again and make them live, without dropping a connection.
 */
#ifndef PM_RELOAD_H
#define PM_RELOAD_H

/*
 * Load PATH and its templates and publish them (live.h, and to the outbox
 * worker).  A file or template that does not load keeps the running
 * configuration; the reason is logged.  Keys that only a restart can
 * change (Socket, Database, KeyFile, UserID, PidFile, LogFile, Syslog)
 * keep their running value, logged as needing a restart.  The log file is
 * opened again by name.  0 reloaded, -1 kept.
 */
int reload_run(const char *path);

#endif
