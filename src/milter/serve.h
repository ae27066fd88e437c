/*
 * serve.h - run libmilter's loop, reloading the configuration on SIGHUP.
 */
#ifndef PM_SERVE_H
#define PM_SERVE_H

/*
 * Run smfi_main() until SIGTERM or SIGINT stops it, reading CONFIG_PATH
 * again on every SIGHUP (reload.h).  Call from the main thread with
 * SIGHUP, SIGTERM and SIGINT blocked, after smfi_register() and the
 * socket.  Returns smfi_main()'s result (MI_SUCCESS or MI_FAILURE).
 */
int serve_run(const char *config_path);

#endif
