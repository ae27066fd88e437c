/*
 * check.h - "pinmilter -n": is this configuration ready to run?
 *
 * Each check prints one line per problem on OUT, "pinmilter: " first;
 * warnings say "warning:" and do not count as problems.  Nothing is
 * written to the database or the file system.
 */
#ifndef PM_CHECK_H
#define PM_CHECK_H

#include <stddef.h>
#include <stdio.h>

#include "core/config.h"
#include "core/secret.h"
#include "store/store.h"

/* Run every check on CFG; returns the number of problems found. */
int check_config(const struct pm_config *cfg, FILE *out);

/*
 * Does KEY belong to the database ST (store_key_check(): the fingerprint
 * pinctl init stored)?  0 yes, -1 no, with the reason in err.  Shared
 * with the daemon's start-up.
 */
int check_key_matches(struct store *st, const struct secret_key *key,
    const char *key_file, char *err, size_t errlen);

#endif
