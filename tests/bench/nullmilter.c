/*
 * nullmilter.c - the do-nothing milter of the benchmark: the floor every
 * milter pays.  It asks for no step it does not need (no connect, HELO,
 * envelope, header or body callbacks), sends no reply it can leave out,
 * and at end of message adds one header field, as a milter that tags
 * mail must.  Nothing else: no parsing, no state, no logging.
 *
 * Usage: nullmilter SOCKET      (e.g. unix:/tmp/null.sock)
 * Runs in the foreground until SIGTERM or SIGINT.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

static sfsistat
null_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0,
    unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	(void)ctx;
	(void)f2;
	(void)f3;
	if (!(f0 & SMFIF_ADDHDRS))
		return SMFIS_REJECT;
	*pf0 = SMFIF_ADDHDRS;
	*pf1 = f1 & (SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOMAIL |
	    SMFIP_NORCPT | SMFIP_NOHDRS | SMFIP_NOEOH | SMFIP_NOBODY |
	    SMFIP_NOUNKNOWN | SMFIP_NODATA | SMFIP_NR_CONN | SMFIP_NR_HELO |
	    SMFIP_NR_MAIL | SMFIP_NR_RCPT | SMFIP_NR_DATA | SMFIP_NR_UNKN |
	    SMFIP_NR_EOH | SMFIP_NR_BODY | SMFIP_NR_HDR);
	*pf2 = 0;
	*pf3 = 0;
	return SMFIS_CONTINUE;
}

static sfsistat
null_eom(SMFICTX *ctx)
{
	(void)smfi_addheader(ctx, "X-Null-Milter", "seen");
	return SMFIS_CONTINUE;
}

int
main(int argc, char **argv)
{
	struct smfiDesc desc;

	if (argc != 2) {
		fprintf(stderr, "usage: nullmilter SOCKET\n");
		return 2;
	}
	memset(&desc, 0, sizeof(desc));
	desc.xxfi_name = (char *)"nullmilter";
	desc.xxfi_version = SMFI_VERSION;
	desc.xxfi_flags = SMFIF_ADDHDRS;
	desc.xxfi_negotiate = null_negotiate;
	desc.xxfi_eom = null_eom;
	if (strncmp(argv[1], "unix:", 5) == 0)
		(void)unlink(argv[1] + 5);
	(void)umask(0111);	/* the MTA (another user) must connect */
	if (smfi_setconn(argv[1]) != MI_SUCCESS ||
	    smfi_register(desc) != MI_SUCCESS) {
		fprintf(stderr, "nullmilter: cannot set up %s\n", argv[1]);
		return 1;
	}
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
