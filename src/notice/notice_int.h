/*
 * notice_int.h - what notice_template.c (reading and checking templates)
 * and notice.c (building notices from them) share.  Not for use outside
 * src/notice/.
 */
#ifndef PM_NOTICE_INT_H
#define PM_NOTICE_INT_H

#include <stdbool.h>
#include <stddef.h>

#define NOTICE_NKINDS	6
#define PH_NAME_MAX	32

/* Indexes in notice_kinds[]. */
enum notice_kind_ix {
	KIND_CASE = 0, KIND_VERIFY, KIND_PIN, KIND_EMAIL, KIND_LOCKED,
	KIND_RECENT,
};

enum ph {
	PH_CASE, PH_NAME, PH_EMAIL, PH_ACCOUNT, PH_SUPPORT, PH_PIN, PH_TAG,
	PH_OLD_EMAIL, PH_NEW_EMAIL, PH_UNTIL, PH_SENT, PH_ADMINS,
	PH_REQ_SUBJECT, PH_REQ_TIME, PH_N
};

struct template {
	char *subject;		/* UTF-8, one line, placeholders unexpanded */
	char *body;		/* UTF-8, LF line ends */
	unsigned body_line;	/* line number of the body's first line */
};

struct notice_templates {
	struct template t[NOTICE_NKINDS];
};

extern const char *const notice_kinds[NOTICE_NKINDS];

/* The index of KIND in notice_kinds, or -1. */
int notice_kind_index(const char *kind);

/*
 * P points at "{{".  Returns the placeholder index and sets *len to the
 * length of "{{name}}", or -1 with the reason (printable) in NAME.
 */
int notice_ph_scan(const char *p, size_t *len, char *name, size_t namelen);

#endif
