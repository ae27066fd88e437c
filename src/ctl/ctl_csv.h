/*
 * ctl_csv.h - the CSV of "pinctl import", parsed and checked without any
 * store, key or output, so that it can be tested and fuzzed alone.
 *
 * Columns: email,account,pin[,role[,name]] (RFC 4180, libcsv in strict
 * mode).  A first record whose first field is "email" (any case) is a
 * header and is skipped; blank lines are ignored.  A UTF-8 byte order
 * mark at the start is skipped.
 *
 * Every field copy is wiped before it is freed (the file holds PINs).
 */
#ifndef PM_CTL_CSV_H
#define PM_CTL_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

#define CTL_CSV_MAX_FIELD	1024	/* bytes in one field */
#define CTL_CSV_FIELDS		5

enum { CTL_CSV_EMAIL, CTL_CSV_ACCOUNT, CTL_CSV_PIN, CTL_CSV_ROLE,
	CTL_CSV_NAME };

struct ctl_csv_row {
	unsigned line;			/* first line of the record */
	unsigned nfields;		/* as found (may exceed CTL_CSV_FIELDS) */
	char *f[CTL_CSV_FIELDS];	/* missing optional fields: NULL */
	bool refused;			/* a field was refused (too long,
					 * NUL byte): the row is not kept */
};

struct ctl_csv {
	GPtrArray *rows;		/* struct ctl_csv_row *, owned */
	unsigned bad_line;		/* earliest problem, 0: none */
	char bad[160];			/* its reason */
	/* parser state */
	struct ctl_csv_row *cur;
	unsigned line, lineno, records;
};

void ctl_csv_init(struct ctl_csv *csv);
void ctl_csv_clear(struct ctl_csv *csv);

/*
 * Parse BUF (LEN bytes) into CSV->rows; a syntax error or a refused
 * field sets bad_line, and the row holding a refused field is dropped,
 * so that every row kept has each of its first fields.
 */
void ctl_csv_parse(struct ctl_csv *csv, const char *buf, size_t len);

/* Note a problem at LINE; the earliest line's reason is kept. */
void ctl_csv_fail(struct ctl_csv *csv, unsigned line, const char *reason);

/*
 * Check one row; NULL when good, else the reason (static, or written
 * into BUF of LEN bytes).  The address becomes its canonical form.
 */
const char *ctl_csv_check_row(struct ctl_csv_row *r, char *buf, size_t len);

#endif
