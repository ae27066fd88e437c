/*
 * secret.h - the server key, PIN hashes and random PINs (libsodium).
 *
 * A PIN is stored only as BLAKE2b-256 keyed with the 32-byte server key
 * (KeyFile), salted with a per-user 16-byte salt and personalised with a
 * purpose string, so the database alone cannot test a PIN.  Comparison is
 * constant-time.  The key lives in sodium_malloc'd memory, locked and
 * wiped on free.  Callers wipe their own PIN buffers with secret_wipe().
 *
 * The key file must be a regular file of exactly 32 bytes, not readable or
 * writable by group or others (as ssh refuses a private key); it is never
 * overwritten.
 */
#ifndef PM_SECRET_H
#define PM_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#define SECRET_KEY_BYTES	32
#define SECRET_SALT_BYTES	16
#define SECRET_HASH_BYTES	32
#define PIN_DIGITS		6
#define PIN_BUF			(PIN_DIGITS + 1)	/* digits + NUL */

struct secret_key;

/* sodium_init(); 0 ok, -1 failure.  Safe to call more than once. */
int secret_init(void);

/*
 * Create PATH with 32 random bytes, mode 0600, O_EXCL: an existing file is
 * never touched.  Returns 0, or -1 with a reason in err (EEXIST included).
 */
int secret_key_create(const char *path, char *err, size_t errlen);

/* Load and check PATH (permissions, type, size).  NULL + reason on error. */
struct secret_key *secret_key_load(const char *path, char *err, size_t errlen);

void secret_key_free(struct secret_key *key);

/* Constant-time: are A and B the same key? */
bool secret_key_equal(const struct secret_key *a, const struct secret_key *b);

/* Exactly six ASCII digits and nothing else. */
bool secret_pin_valid(const char *pin);

/* A fresh random salt. */
void secret_salt_new(unsigned char salt[SECRET_SALT_BYTES]);

/* hash = BLAKE2b(key, salt, "pinmilter-pin-v1", pin).  pin must be valid. */
int secret_pin_hash(const struct secret_key *key,
    const unsigned char salt[SECRET_SALT_BYTES], const char *pin,
    unsigned char hash[SECRET_HASH_BYTES]);

/* Constant-time: does PIN hash to HASH under KEY and SALT? */
bool secret_pin_matches(const struct secret_key *key,
    const unsigned char salt[SECRET_SALT_BYTES],
    const unsigned char hash[SECRET_HASH_BYTES], const char *pin);

/* A uniformly random PIN 000000-999999 into out[PIN_BUF]. */
void secret_pin_random(char out[PIN_BUF]);

/*
 * A fingerprint of the key (keyed hash of a fixed string), stored in the
 * database at init so a wrong key file is detected instead of failing
 * every PIN.  Reveals nothing about the key.
 */
void secret_key_check_value(const struct secret_key *key,
    unsigned char out[SECRET_HASH_BYTES]);

/*
 * MAC of MSG for routing tokens (case threading): full-length 32 bytes,
 * domain-separated from PIN hashes.  secret_mac_verify is constant-time.
 */
void secret_mac(const struct secret_key *key, const char *purpose,
    const void *msg, size_t len, unsigned char mac[SECRET_HASH_BYTES]);
bool secret_mac_verify(const struct secret_key *key, const char *purpose,
    const void *msg, size_t len, const unsigned char mac[SECRET_HASH_BYTES]);

/*
 * Seal / open bytes kept in the database that may hold a PIN (queued
 * notices): XChaCha20-Poly1305 (crypto_secretbox) under a subkey derived
 * from the server key for PURPOSE; out = nonce || ciphertext+tag, so
 * out_len = len + SECRET_SEAL_OVERHEAD.  secret_open fails (-1) on any
 * alteration, a wrong key or a wrong purpose.  0 on success.
 */
#define SECRET_SEAL_OVERHEAD	(24 + 16)
int secret_seal(const struct secret_key *key, const char *purpose,
    const void *in, size_t len, unsigned char *out);
int secret_open(const struct secret_key *key, const char *purpose,
    const unsigned char *in, size_t len, void *out);

/* sodium_memzero, for PIN buffers and anything else secret. */
void secret_wipe(void *p, size_t len);

#endif
