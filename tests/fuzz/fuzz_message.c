/*
 * fuzz_message.c - libFuzzer target for the message reader: GMime parse,
 * our MIME walk, charset conversion, html_to_text and quote_cut.
 *
 * Not built by default.  Build and run from the source tree:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
 *     -Isrc tests/fuzz/fuzz_message.c src/mail/message.c src/mail/html.c \
 *     src/mail/quote.c src/mail/quotematch.c src/mail/quotelang.c \
 *     src/mail/flowed.c src/util/log.c \
 *     $(pkg-config --cflags --libs gmime-3.0 libxml-2.0 libsodium) \
 *     -o /tmp/fuzz_message
 *   mkdir -p /tmp/fuzz-corpus
 *   /tmp/fuzz_message -max_total_time=120 -close_fd_mask=2 \
 *     /tmp/fuzz-corpus tests/corpus
 *
 * (-close_fd_mask=2 silences the parser warnings logged to stderr.)
 * Each input is read as a whole message, and also, raw, as HTML and as
 * plain text.  Small limits make the depth and part caps easy to reach.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <gmime/gmime.h>

#include "mail/html.h"
#include "mail/message.h"
#include "mail/quote.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct message_limits lim = { 8, 32, 16 * 1024 };
	struct message_text t;
	GMimeStream *s;
	GMimeMessage *m;
	char *text;

	message_init();
	memset(&t, 0, sizeof(t));
	s = g_mime_stream_mem_new_with_buffer((const char *)data, size);
	m = message_parse_stream(s, &t);
	g_object_unref(s);
	if (m != NULL) {
		if (message_read(m, &lim, &t) != 0)
			__builtin_trap();
		if (t.author == NULL || !g_utf8_validate(t.author, -1, NULL) ||
		    strlen(t.author) > lim.max_text || t.parts > lim.max_parts ||
		    t.depth > lim.max_depth)
			__builtin_trap();
		if (t.subject != NULL && !g_utf8_validate(t.subject, -1, NULL))
			__builtin_trap();
		message_text_clear(&t);
		g_object_unref(m);
	}
	text = html_to_text((const char *)data, size, "UTF-8");
	g_free(text);
	text = quote_cut((const char *)data, size);
	if (strlen(text) > size)
		__builtin_trap();
	g_free(text);
	return 0;
}
