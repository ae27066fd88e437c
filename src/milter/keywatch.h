/*
 * keywatch.h - is the key file still the key the daemon runs with?
 *
 * The daemon loads KeyFile once, at start, and checks it against the
 * database's fingerprint.  While it runs, the file may go (deleted, a
 * failed restore) or be replaced by another key: a restart would then
 * not start, or verify every PIN against the wrong key (every right PIN
 * counted as a wrong guess).  keywatch_check() says so before each
 * message, and the message gets the OnInternalError action until the
 * file holds the daemon's key again.
 */
#ifndef PM_KEYWATCH_H
#define PM_KEYWATCH_H

#include <stddef.h>
#include <time.h>

struct secret_key;

/* Watch PATH, which held KEY at start (KEY is kept, not copied). */
void keywatch_init(const char *path, const struct secret_key *key);

/*
 * 0: the file holds KEY.  -1: it is missing, unreadable, refused
 * (secret_key_load's checks) or holds another key; WHY says which.  The
 * file is read again only when its inode, size, mode or times changed,
 * and stat(2)ed at every call (NOW is unused), so a change counts from
 * the next message on.
 */
int keywatch_check(time_t now, char *why, size_t whylen);

#endif
