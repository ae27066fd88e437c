/*
 * timeconst.h - lengths of time in seconds, the one definition of each.
 *
 * 64-bit, so that products such as 36500 * DAY cannot overflow.
 */
#ifndef PM_TIMECONST_H
#define PM_TIMECONST_H

#include <stdint.h>

#define MINUTE	INT64_C(60)
#define HOUR	(60 * MINUTE)
#define DAY	(24 * HOUR)

#endif
