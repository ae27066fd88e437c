/*
 * pinctl.c - the administration CLI: command table and dispatch.
 *
 * "pinctl [-c FILE] GROUP [VERB] [ARGS] [OPTIONS]".  The global options
 * end at the first word; the command's options (long options only) may
 * come before or after its positional arguments.  The table below is
 * the grammar; pinctl(8) documents each row.
 *
 * Security: a PIN is never taken from argv (no command has a PIN
 * argument; surplus arguments are refused without being echoed).  The
 * key is loaded only by the commands that hash PINs.
 *
 * Diagnostics: one "pinctl: ..." line on stderr; usage errors add the
 * command's usage line.  Exit status 0 ok, 1 refused, 2 usage or
 * environment, 3 and 4 for pin verify (ctl.h).
 */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ctl.h"
#include "util/log.h"
#include "util/xalloc.h"

static const struct ctl_command ctl_commands[] = {
	{ "init", NULL, ctl_init, 0, 0, 0, CTL_NEED_NOTHING, "" },
	{ "account", "add", ctl_account_add, 1, 1, 0, CTL_NEED_STORE,
	    "NAME" },
	{ "account", "list", ctl_account_list, 0, 0, CTL_OPT_JSON,
	    CTL_NEED_STORE_RO, "[--json]" },
	{ "user", "add", ctl_user_add, 1, 1,
	    CTL_OPT_ACCOUNT | CTL_OPT_ROLE | CTL_OPT_NAME, CTL_NEED_STORE,
	    "EMAIL --account NAME [--role admin|user] [--name TEXT]" },
	{ "user", "list", ctl_user_list, 0, 0, CTL_OPT_ACCOUNT | CTL_OPT_JSON,
	    CTL_NEED_STORE_RO, "[--account NAME] [--json]" },
	{ "user", "show", ctl_user_show, 1, 1, CTL_OPT_JSON,
	    CTL_NEED_STORE_RO, "EMAIL [--json]" },
	{ "user", "set-email", ctl_user_set_email, 2, 2, CTL_OPT_APPROVED_BY,
	    CTL_NEED_STORE | CTL_NEED_KEY,
	    "EMAIL NEW-EMAIL --approved-by ADMIN-EMAIL" },
	{ "user", "remove", ctl_user_remove, 1, 1, 0, CTL_NEED_STORE,
	    "EMAIL" },
	{ "user", "admins", ctl_user_admins, 1, 1, CTL_OPT_JSON,
	    CTL_NEED_STORE_RO, "EMAIL [--json]" },
	{ "pin", "set", ctl_pin_set, 1, 1, 0,
	    CTL_NEED_STORE | CTL_NEED_KEY, "EMAIL          (PIN on stdin)" },
	{ "pin", "issue", ctl_pin_issue, 1, 1, CTL_OPT_PRINT | CTL_OPT_SEND,
	    CTL_NEED_STORE | CTL_NEED_KEY, "EMAIL --print | --send" },
	{ "pin", "verify", ctl_pin_verify, 1, 1, 0,
	    CTL_NEED_STORE | CTL_NEED_KEY, "EMAIL       (PIN on stdin)" },
	{ "unlock", NULL, ctl_unlock, 1, 1, 0, CTL_NEED_STORE, "EMAIL" },
	{ "import", NULL, ctl_import, 1, 1, 0, CTL_NEED_STORE | CTL_NEED_KEY,
	    "FILE.csv" },
	{ "audit", NULL, ctl_audit_list, 0, 0,
	    CTL_OPT_USER | CTL_OPT_CASE | CTL_OPT_SINCE | CTL_OPT_JSON,
	    CTL_NEED_STORE_RO,
	    "[--user EMAIL] [--case N] [--since WHEN] [--json]" },
	{ "case", "list", ctl_case_list, 0, 0, CTL_OPT_JSON,
	    CTL_NEED_STORE_RO, "[--json]" },
	{ "case", "show", ctl_case_show, 1, 1, CTL_OPT_JSON,
	    CTL_NEED_STORE_RO, "N [--json]" },
	{ "case", "authenticate", ctl_case_authenticate, 1, 1,
	    CTL_OPT_APPROVED_BY, CTL_NEED_STORE,
	    "N --approved-by ADMIN-EMAIL" },
	{ "outbox", "list", ctl_outbox_list, 0, 0, CTL_OPT_JSON,
	    CTL_NEED_STORE_RO, "[--json]" },
	{ "db", "copy", ctl_db_copy, 0, 0, CTL_OPT_FROM | CTL_OPT_TO,
	    CTL_NEED_NOTHING, "--from DATABASE [--to DATABASE]" },
	{ "stats", NULL, ctl_stats, 0, 0,
	    CTL_OPT_SINCE | CTL_OPT_JSON | CTL_OPT_PROMETHEUS,
	    CTL_NEED_STORE_RO, "[--since DURATION] [--json | --prometheus]" },
};
#define NCOMMANDS (sizeof(ctl_commands) / sizeof(ctl_commands[0]))

/* getopt values: the CTL_OPT_* bit shifted clear of 1 and 'h'. */
#define OPTV(bit)	((bit) << 8)

static const struct option ctl_long_options[] = {
	{ "account", required_argument, NULL, OPTV(CTL_OPT_ACCOUNT) },
	{ "role", required_argument, NULL, OPTV(CTL_OPT_ROLE) },
	{ "name", required_argument, NULL, OPTV(CTL_OPT_NAME) },
	{ "approved-by", required_argument, NULL, OPTV(CTL_OPT_APPROVED_BY) },
	{ "json", no_argument, NULL, OPTV(CTL_OPT_JSON) },
	{ "print", no_argument, NULL, OPTV(CTL_OPT_PRINT) },
	{ "send", no_argument, NULL, OPTV(CTL_OPT_SEND) },
	{ "user", required_argument, NULL, OPTV(CTL_OPT_USER) },
	{ "case", required_argument, NULL, OPTV(CTL_OPT_CASE) },
	{ "since", required_argument, NULL, OPTV(CTL_OPT_SINCE) },
	{ "prometheus", no_argument, NULL, OPTV(CTL_OPT_PROMETHEUS) },
	{ "from", required_argument, NULL, OPTV(CTL_OPT_FROM) },
	{ "to", required_argument, NULL, OPTV(CTL_OPT_TO) },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const char *
ctl_option_long(int val)
{
	const struct option *o;

	for (o = ctl_long_options; o->name != NULL; o++)
		if (o->val == val)
			return o->name;
	return "?";
}

static void
ctl_print_command(FILE *fp, const struct ctl_command *cmd)
{
	fprintf(fp, "usage: pinctl [-c FILE] %s%s%s%s%s\n", cmd->group,
	    cmd->verb ? " " : "", cmd->verb ? cmd->verb : "",
	    cmd->usage[0] ? " " : "", cmd->usage);
}

static void
ctl_usage(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: pinctl [-c FILE] COMMAND [ARGS]\n"
	    "       pinctl --help\ncommands:\n");
	for (i = 0; i < NCOMMANDS; i++) {
		const struct ctl_command *cmd = &ctl_commands[i];

		fprintf(fp, "  %s%s%s%s%s\n", cmd->group,
		    cmd->verb ? " " : "", cmd->verb ? cmd->verb : "",
		    cmd->usage[0] ? " " : "", cmd->usage);
	}
}

/* A usage error of the current command: one line, then its usage. */
static int
ctl_usage_err(const struct ctl *c, const char *msg)
{
	ctl_err(c, "%s", msg);
	ctl_print_command(stderr, c->cmd);
	return CTL_EXIT_USAGE;
}

static const struct ctl_command *
ctl_find(int argc, char **argv, int *used)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++) {
		const struct ctl_command *cmd = &ctl_commands[i];

		if (strcmp(argv[0], cmd->group) != 0)
			continue;
		if (cmd->verb == NULL) {
			*used = 1;
			return cmd;
		}
		if (argc > 1 && strcmp(argv[1], cmd->verb) == 0) {
			*used = 2;
			return cmd;
		}
	}
	return NULL;
}

/*
 * "unknown option --x" / "unknown command x": the word is echoed only
 * when it is made of letters and dashes, so a PIN typed by mistake on
 * the command line is never repeated into a terminal log.
 */
static void
ctl_option_name(const char *arg, char *buf, size_t len)
{
	const char *kind = arg[0] == '-' ? "option" : "command";
	size_t i;

	for (i = 0; arg[i] != '\0' && arg[i] != '='; i++)
		if (!(isalpha((unsigned char)arg[i]) || arg[i] == '-') ||
		    i >= 32) {
			snprintf(buf, len, "unknown %s", kind);
			return;
		}
	snprintf(buf, len, "unknown %s %.*s", kind, (int)i, arg);
}

static int
ctl_set_option(struct ctl *c, int opt, const char *arg)
{
	const char **slot = NULL;

	if ((c->cmd->opts & (unsigned)opt) == 0)
		return -1;
	switch (opt) {
	case CTL_OPT_ACCOUNT: slot = &c->account; break;
	case CTL_OPT_ROLE: slot = &c->role; break;
	case CTL_OPT_NAME: slot = &c->name; break;
	case CTL_OPT_APPROVED_BY: slot = &c->approved_by; break;
	case CTL_OPT_USER: slot = &c->user; break;
	case CTL_OPT_CASE: slot = &c->case_arg; break;
	case CTL_OPT_SINCE: slot = &c->since; break;
	case CTL_OPT_FROM: slot = &c->from; break;
	case CTL_OPT_TO: slot = &c->to; break;
	default: break;
	}
	if (c->given & (unsigned)opt)
		return -2;
	c->given |= (unsigned)opt;
	if (slot != NULL)
		*slot = arg;
	return 0;
}

static int
ctl_add_arg(struct ctl *c, const char *arg)
{
	if (c->nargs >= c->cmd->max_args)
		return ctl_usage_err(c, "too many arguments");
	c->args[c->nargs++] = arg;
	return CTL_EXIT_OK;
}

/* Parse the command's own options and arguments (argv[0]: command). */
static int
ctl_parse_args(struct ctl *c, int argc, char **argv)
{
	char msg[64];
	int opt, r;

	optind = 0;		/* glibc: full reset */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "-:", ctl_long_options,
	    NULL)) != -1) {
		if (opt == 1) {
			if ((r = ctl_add_arg(c, optarg)) != CTL_EXIT_OK)
				return r;
			continue;
		}
		if (opt == '?' && optopt != 0)
			return ctl_usage_err(c, "unknown option");
		if (opt == '?') {
			ctl_option_name(argv[optind - 1], msg, sizeof(msg));
			return ctl_usage_err(c, msg);
		}
		if (opt == ':') {
			snprintf(msg, sizeof(msg), "option %s needs a value",
			    argv[optind - 1]);
			return ctl_usage_err(c, msg);
		}
		if (opt == 'h') {
			ctl_print_command(stdout, c->cmd);
			return -1;
		}
		r = ctl_set_option(c, opt >> 8, optarg);
		if (r == -2)
			return ctl_usage_err(c, "option given twice");
		if (r != 0) {
			snprintf(msg, sizeof(msg), "option --%s not accepted",
			    ctl_option_long(opt));
			return ctl_usage_err(c, msg);
		}
	}
	for (; optind < argc; optind++)
		if ((r = ctl_add_arg(c, argv[optind])) != CTL_EXIT_OK)
			return r;
	if (c->nargs < c->cmd->min_args)
		return ctl_usage_err(c, "missing arguments");
	return CTL_EXIT_OK;
}

static int
ctl_prepare(struct ctl *c)
{
	char err[512];
	int r;

	c->cfg = config_load(c->config_path, err, sizeof(err));
	if (c->cfg == NULL) {
		ctl_err(c, "%s", err);
		return CTL_EXIT_USAGE;
	}
	if (secret_init() != 0) {
		ctl_err(c, "cannot initialise libsodium");
		return CTL_EXIT_USAGE;
	}
	ctl_set_actor(c);
	c->now = time(NULL);
	if (c->cmd->need & CTL_NEED_KEY)
		if ((r = ctl_open_key(c)) != CTL_EXIT_OK)
			return r;
	if (c->cmd->need & (CTL_NEED_STORE | CTL_NEED_STORE_RO)) {
		r = ctl_open_store(c, (c->cmd->need & CTL_NEED_STORE_RO) ?
		    STORE_OPEN_READONLY : 0);
		if (r != CTL_EXIT_OK)
			return r;
	}
	if (c->cmd->need & CTL_NEED_KEY)
		if ((r = ctl_check_key(c)) != CTL_EXIT_OK)
			return r;
	return CTL_EXIT_OK;
}

static int
ctl_run(struct ctl *c, int argc, char **argv)
{
	char msg[64];
	int used, r;

	c->cmd = ctl_find(argc, argv, &used);
	if (c->cmd == NULL) {
		ctl_option_name(argv[0], msg, sizeof(msg));
		fprintf(stderr, "pinctl: %s\n", msg);
		ctl_usage(stderr);
		return CTL_EXIT_USAGE;
	}
	snprintf(c->what, sizeof(c->what), "%s%s%s", c->cmd->group,
	    c->cmd->verb ? " " : "", c->cmd->verb ? c->cmd->verb : "");
	r = ctl_parse_args(c, argc - used + 1, argv + used - 1);
	if (r == -1)
		return CTL_EXIT_OK;	/* --help */
	if (r != CTL_EXIT_OK)
		return r;
	if ((r = ctl_prepare(c)) != CTL_EXIT_OK)
		return r;
	return c->cmd->run(c);
}

static const struct option ctl_global_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int
main(int argc, char **argv)
{
	struct ctl c;
	int opt, r;

	(void)log_open("pinctl", NULL);
	xalloc_init();
	memset(&c, 0, sizeof(c));
	c.config_path = PM_DEFAULT_CONFIG;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:c:h", ctl_global_options,
	    NULL)) != -1) {
		switch (opt) {
		case 'c':
			c.config_path = optarg;
			break;
		case 'h':
			ctl_usage(stdout);
			return CTL_EXIT_OK;
		case ':':
			fprintf(stderr, "pinctl: option -c needs a file\n");
			ctl_usage(stderr);
			return CTL_EXIT_USAGE;
		default:
			fprintf(stderr, "pinctl: unknown option\n");
			ctl_usage(stderr);
			return CTL_EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		fprintf(stderr, "pinctl: no command\n");
		ctl_usage(stderr);
		return CTL_EXIT_USAGE;
	}
	if (strcmp(argv[0], "help") == 0) {
		ctl_usage(stdout);
		return CTL_EXIT_OK;
	}
	r = ctl_run(&c, argc, argv);
	store_close(c.st);
	secret_key_free(c.key);
	config_free(c.cfg);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "pinctl: error writing output\n");
		if (r == CTL_EXIT_OK)
			r = CTL_EXIT_USAGE;
	}
	return r;
}
