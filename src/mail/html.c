/*
 * html.c - HTML body to the author's plain text.
 *
 * The HTML is parsed by libxml2's HTML parser into a tree; quote
 * containers are cut on the tree (never with regular expressions), and
 * the remaining text nodes are written out with block elements as line
 * breaks.  Which containers hold quoted text, by client:
 *   Gmail        div.gmail_quote (.gmail_quote_container), the signature
 *                in div.gmail_signature
 *   Apple Mail   blockquote type=cite
 *   Thunderbird  div.moz-cite-prefix + blockquote type=cite, .moz-signature
 *   Outlook      div#appendonsend, div#divRplyFwdMsg, or a div styled
 *                "border-top:solid #E1E1E1" (older: #B5C4DF): the quoted
 *                message follows, so the walk stops there
 *   Yahoo        div.yahoo_quoted
 *   Zimbra       hr#zwchr, then the quoted message
 * Every blockquote is dropped.  Outlook on the web prefixes the ids and
 * classes of quoted HTML with "x_"; they match too.
 *
 * Inline elements (b, span, a, font...) write nothing, so a PIN split by
 * tags, "<b>482</b>913", stays one number.
 *
 * Security: the input is hostile.  The parser runs with HTML_PARSE_NONET
 * (no external resources) and no error output; entities are the HTML
 * ones, expanded by the parser.  The tree walk follows child, sibling and
 * parent pointers with no stack, so nesting depth costs no stack; the
 * output is at most about the input's size.  Input above INT_MAX bytes
 * is truncated (callers bound it far below).
 *
 * Diagnostics: none; an unparseable document gives empty text.
 */
#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include <glib.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>

#include "mail/html.h"

enum act { ACT_SKIP, ACT_DESCEND, ACT_STOP };

struct h2t {
	GString *out;
	size_t line_start;	/* offset of the current line in out */
	bool space;		/* a blank is pending */
	bool text;		/* the current line has text */
	unsigned pre;		/* inside <pre> */
};

static const char *const dropped[] = {
	"script", "style", "head", "title", "noscript", "template", "object",
	"applet", "embed", "iframe", "select", "svg", "blockquote",
};

static const char *const blocks[] = {
	"address", "article", "aside", "body", "caption", "center", "dd",
	"details", "dir", "div", "dl", "dt", "fieldset", "figcaption",
	"figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
	"header", "hr", "html", "li", "main", "menu", "nav", "ol", "p", "pre",
	"section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul",
};

static const char *const quote_classes[] = {
	"gmail_quote", "gmail_quote_container", "gmail_signature",
	"moz-cite-prefix", "moz-signature", "yahoo_quoted",
};

/* Ids after which everything is the quoted message. */
static const char *const stop_ids[] = {
	"appendonsend", "divRplyFwdMsg", "zwchr",
};

/* Outlook's reply divider, style normalised (lower case, no blanks). */
static const char *const stop_styles[] = {
	"border-top:solid#e1e1e1", "border-top:solid#b5c4df",
};

static bool
name_in(const char *name, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(name, list[i]) == 0)
			return true;
	return false;
}

/* The value of attribute NAME when it is plain text, else NULL. */
static const char *
attr_text(const xmlNode *n, const char *name)
{
	const xmlAttr *a;

	for (a = n->properties; a != NULL; a = a->next) {
		if (a->name == NULL || g_ascii_strcasecmp((const char *)a->name,
		    name) != 0)
			continue;
		if (a->children == NULL || a->children->type != XML_TEXT_NODE)
			return NULL;
		return (const char *)a->children->content;
	}
	return NULL;
}

/* Is one of the blank-separated tokens of VALUE (or "x_" + it) in LIST? */
static bool
token_in(const char *value, const char *const *list, size_t n)
{
	const char *p = value, *end;
	size_t len, i;

	while (*p != '\0') {
		while (g_ascii_isspace(*p))
			p++;
		for (end = p; *end != '\0' && !g_ascii_isspace(*end); end++)
			;
		if (end - p > 2 && strncmp(p, "x_", 2) == 0)
			p += 2;
		len = (size_t)(end - p);
		for (i = 0; i < n; i++)
			if (strlen(list[i]) == len && memcmp(p, list[i], len) == 0)
				return true;
		p = end;
	}
	return false;
}

static bool
style_stops(const char *style)
{
	GString *norm;
	bool hit = false;
	size_t i;

	if (style == NULL || strstr(style, "order-top") == NULL)
		return false;
	norm = g_string_sized_new(strlen(style) + 1);
	for (; *style != '\0'; style++)
		if (!g_ascii_isspace(*style))
			g_string_append_c(norm, g_ascii_tolower(*style));
	for (i = 0; i < G_N_ELEMENTS(stop_styles) && !hit; i++)
		hit = strstr(norm->str, stop_styles[i]) != NULL;
	g_string_free(norm, TRUE);
	return hit;
}

static void
out_end_line(struct h2t *s, bool hard)
{
	GString *o = s->out;

	if (s->text) {
		/* trimming must not eat the signature separator "-- " */
		if (o->len - s->line_start == 2 &&
		    memcmp(o->str + s->line_start, "--", 2) == 0)
			g_string_append_c(o, ' ');
		g_string_append_c(o, '\n');
	} else if (hard && o->len > 0 &&
	    !(o->len >= 2 && o->str[o->len - 2] == '\n'))
		g_string_append_c(o, '\n');
	s->text = false;
	s->space = false;
	s->line_start = o->len;
}

/* Length of the blank at p (HTML white space, U+00A0), 0 if none. */
static size_t
blank_len(const unsigned char *p)
{
	if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == '\f' ||
	    *p == '\v')
		return 1;
	if (p[0] == 0xc2 && p[1] == 0xa0)
		return 2;
	return 0;
}

static void
out_text(struct h2t *s, const unsigned char *p)
{
	const unsigned char *run;
	size_t b;

	while (*p != '\0') {
		if (*p == '\n' && s->pre > 0) {
			out_end_line(s, true);
			p++;
			continue;
		}
		if ((b = blank_len(p)) > 0) {
			s->space = true;
			p += b;
			continue;
		}
		if (s->space && s->text)
			g_string_append_c(s->out, ' ');
		for (run = p; *p != '\0' && blank_len(p) == 0; p++)
			;
		g_string_append_len(s->out, (const char *)run, p - run);
		s->space = false;
		s->text = true;
	}
}

static enum act
element_enter(struct h2t *s, const xmlNode *n)
{
	const char *name = (const char *)n->name, *v;

	if (name_in(name, dropped, G_N_ELEMENTS(dropped)))
		return ACT_SKIP;
	if ((v = attr_text(n, "id")) != NULL &&
	    token_in(v, stop_ids, G_N_ELEMENTS(stop_ids)))
		return ACT_STOP;
	if (style_stops(attr_text(n, "style")))
		return ACT_STOP;
	if ((v = attr_text(n, "class")) != NULL &&
	    token_in(v, quote_classes, G_N_ELEMENTS(quote_classes)))
		return ACT_SKIP;
	if (strcmp(name, "br") == 0) {
		out_end_line(s, true);
		return ACT_SKIP;
	}
	if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0)
		s->space = true;
	else if (name_in(name, blocks, G_N_ELEMENTS(blocks)))
		out_end_line(s, false);
	if (strcmp(name, "pre") == 0)
		s->pre++;
	return ACT_DESCEND;
}

static void
element_leave(struct h2t *s, const xmlNode *n)
{
	const char *name = (const char *)n->name;

	if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0)
		s->space = true;
	else if (name_in(name, blocks, G_N_ELEMENTS(blocks)))
		out_end_line(s, false);
	if (strcmp(name, "pre") == 0 && s->pre > 0)
		s->pre--;
}

static enum act
node_enter(struct h2t *s, const xmlNode *n)
{
	switch (n->type) {
	case XML_TEXT_NODE:
	case XML_CDATA_SECTION_NODE:
		if (n->content != NULL)
			out_text(s, n->content);
		return ACT_SKIP;
	case XML_ELEMENT_NODE:
		return n->name != NULL ? element_enter(s, n) : ACT_SKIP;
	case XML_DOCUMENT_NODE:
	case XML_HTML_DOCUMENT_NODE:
		return ACT_DESCEND;
	default:
		return ACT_SKIP;
	}
}

static void
node_leave(struct h2t *s, const xmlNode *n)
{
	if (n->type == XML_ELEMENT_NODE && n->name != NULL)
		element_leave(s, n);
}

/* Depth-first, iteratively: child, then sibling, else back up. */
static void
tree_walk(struct h2t *s, xmlNode *top)
{
	xmlNode *n = top;
	enum act a;

	for (;;) {
		a = node_enter(s, n);
		if (a == ACT_STOP)
			return;
		if (a == ACT_DESCEND && n->children != NULL) {
			n = n->children;
			continue;
		}
		if (a == ACT_DESCEND)
			node_leave(s, n);
		while (n != top && n->next == NULL) {
			n = n->parent;
			if (n == NULL)
				return;
			node_leave(s, n);
		}
		if (n == top)
			return;
		n = n->next;
	}
}

void
html_init(void)
{
	xmlInitParser();
}

/*
 * The text as valid UTF-8 (consumes OUT).  libxml2 passes the bytes of
 * a document that is not valid in its declared charset through
 * unchanged; each bad sequence becomes U+FFFD.
 */
static char *
text_valid(GString *out)
{
	char *res;

	if (g_utf8_validate(out->str, (gssize)out->len, NULL))
		return g_string_free(out, FALSE);
	res = g_utf8_make_valid(out->str, (gssize)out->len);
	g_string_free(out, TRUE);
	return res;
}

char *
html_to_text(const char *html, size_t len, const char *charset)
{
	struct h2t s = { 0 };
	htmlDocPtr doc;
	int opts;

	s.out = g_string_new("");
	if (html == NULL || len == 0)
		return g_string_free(s.out, FALSE);
	if (len > INT_MAX)
		len = INT_MAX;
	opts = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	    HTML_PARSE_NONET;
	if (charset != NULL)
		opts |= HTML_PARSE_IGNORE_ENC;
	doc = htmlReadMemory(html, (int)len, NULL, charset, opts);
	if (doc != NULL) {
		tree_walk(&s, (xmlNode *)doc);
		xmlFreeDoc(doc);
	}
	out_end_line(&s, false);
	while (s.out->len > 0 && s.out->str[s.out->len - 1] == '\n')
		g_string_truncate(s.out, s.out->len - 1);
	return text_valid(s.out);
}

/* The code point of the reference at P ("&...;", at most 40 bytes), its
 * length in *N; 0 when it is none. */
static gunichar
entity_at(const char *p, size_t len, size_t *n)
{
	char name[40];
	const htmlEntityDesc *d;
	size_t i = 1, k = 0;
	guint64 v = 0;
	gboolean hex;

	if (len > 1 && p[1] == '#') {
		hex = len > 2 && (p[2] == 'x' || p[2] == 'X');
		for (i = hex ? 3 : 2; i < len && k < 8 &&
		    (hex ? g_ascii_isxdigit(p[i]) : g_ascii_isdigit(p[i])); i++, k++)
			v = v * (hex ? 16 : 10) + (guint64)(hex ?
			    g_ascii_xdigit_value(p[i]) : g_ascii_digit_value(p[i]));
		if (k == 0 || v == 0 || v > 0x10ffff)
			return 0;
		*n = i < len && p[i] == ';' ? i + 1 : i;
		return (gunichar)v;
	}
	while (i < len && k < sizeof(name) - 1 && g_ascii_isalnum(p[i]))
		name[k++] = p[i++];
	name[k] = '\0';
	if (k == 0 || (d = htmlEntityLookup((const xmlChar *)name)) == NULL)
		return 0;
	*n = i < len && p[i] == ';' ? i + 1 : i;
	return (gunichar)d->value;
}

char *
html_unescape(const char *html, size_t len)
{
	GString *out = g_string_sized_new(len + 1);
	size_t i = 0, n;
	gunichar c;
	char *res;

	while (i < len) {
		if (html[i] == '&' && (c = entity_at(html + i, len - i, &n)) != 0) {
			g_string_append_unichar(out, c);
			i += n;
			continue;
		}
		g_string_append_c(out, html[i]);
		i++;
	}
	res = g_utf8_make_valid(out->str, (gssize)out->len);
	if (out->len > 0)
		explicit_bzero(out->str, out->len);
	g_string_free(out, TRUE);
	return res;
}
