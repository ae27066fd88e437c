/*
 * fuzz_csv.c - libFuzzer target for the CSV of "pinctl import"
 * (ctl/ctl_csv.c: libcsv in strict mode, fed line by line, the header
 * record, blank lines, the byte order mark; then each row checked as
 * ctl_import.c does: address, account, PIN, role, name).
 *
 * Traps besides the sanitizers: a row with more fields kept than
 * CTL_CSV_FIELDS or a field over CTL_CSV_MAX_FIELD bytes; a row that
 * checks good without a valid 6-digit PIN; a reported line of 0 or past
 * the last line of the input; rows out of line order.
 *
 * Build: tests/fuzz/build.sh; run: tests/fuzz/run.sh (README, Testing).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "ctl/ctl.h"
#include "ctl/ctl_csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned
count_lines(const uint8_t *data, size_t size)
{
	unsigned n = 1;
	size_t i;

	for (i = 0; i < size; i++)
		if (data[i] == '\n' && i + 1 < size)
			n++;
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned lines = count_lines(data, size), prev = 0, i, k;
	struct ctl_csv csv;
	char buf[160];

	ctl_csv_init(&csv);
	ctl_csv_parse(&csv, (const char *)data, size);
	for (i = 0; i < csv.rows->len; i++) {
		struct ctl_csv_row *r = g_ptr_array_index(csv.rows, i);

		if (r->line == 0 || r->line > lines || r->line < prev)
			__builtin_trap();
		prev = r->line;
		for (k = 0; k < CTL_CSV_FIELDS; k++)
			if (r->f[k] != NULL &&
			    strlen(r->f[k]) > CTL_CSV_MAX_FIELD)
				__builtin_trap();
		/* ctl_import.c checks every row up to the first bad one */
		if (ctl_csv_check_row(r, buf, sizeof(buf)) != NULL)
			break;
		if (!secret_pin_valid(r->f[CTL_CSV_PIN]))
			__builtin_trap();
	}
	if (csv.bad_line > lines)
		__builtin_trap();
	ctl_csv_clear(&csv);
	return 0;
}
