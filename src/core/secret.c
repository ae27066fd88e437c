/*
 * secret.c - the server key, PIN hashes, random PINs and MACs.
 *
 * Security notes:
 * - The key file is created with O_CREAT|O_EXCL|O_NOFOLLOW and mode 0600:
 *   an existing key is never overwritten.  Loading refuses anything but a
 *   regular file of exactly SECRET_KEY_BYTES that group and others can
 *   neither read nor write (as ssh does for private keys), and follows no
 *   symbolic link.
 * - The key is kept in sodium_malloc'd memory (guard pages, mlock'd,
 *   wiped by sodium_free).
 * - A PIN hash is BLAKE2b-256 keyed with the server key, with a per-user
 *   salt and a purpose string: without the key file a stolen database
 *   cannot test even one of the 10^6 PINs.  MACs for routing tokens use a
 *   different purpose string, so a token can never be mistaken for a PIN
 *   hash or the other way round.
 * - Random PINs come from randombytes_uniform(), uniform over 000000-999999.
 * - Queued notices (which may carry a new PIN) are sealed with
 *   crypto_secretbox under a subkey of the server key, so the outbox table
 *   in a dump is as useless as the PIN hashes without the key file.
 * Diagnostics: functions that can fail write one line into err.  No
 * memory for the key is fatal (util/xalloc.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "core/secret.h"
#include "util/xalloc.h"
#include "util/io.h"

_Static_assert(SECRET_SEAL_OVERHEAD == crypto_secretbox_NONCEBYTES +
    crypto_secretbox_MACBYTES, "seal overhead");
_Static_assert(crypto_secretbox_KEYBYTES == SECRET_HASH_BYTES, "subkey size");

#define PERSONAL_PIN	"pinmilter-pin-v1"	/* 16 bytes exactly */
#define PERSONAL_CHECK	"pinmilter-chk-v1"

struct secret_key {
	unsigned char k[SECRET_KEY_BYTES];
};

int
secret_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

int
secret_key_create(const char *path, char *err, size_t errlen)
{
	unsigned char k[SECRET_KEY_BYTES];
	int fd, rc, saved;

	if (secret_init() < 0) {
		snprintf(err, errlen, "libsodium initialisation failed");
		return -1;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0) {
		snprintf(err, errlen, "key file %s: %s", path, strerror(errno));
		return -1;
	}
	randombytes_buf(k, sizeof(k));
	rc = io_write_all(fd, k, sizeof(k), IO_FOREVER);
	saved = errno;
	sodium_memzero(k, sizeof(k));
	if (rc == 0 && (rc = fsync(fd)) != 0)
		saved = errno;
	if (close(fd) != 0 && rc == 0) {
		rc = -1;
		saved = errno;
	}
	if (rc != 0) {
		snprintf(err, errlen, "key file %s: write: %s", path,
		    strerror(saved));
		unlink(path);
		return -1;
	}
	return 0;
}

struct secret_key *
secret_key_load(const char *path, char *err, size_t errlen)
{
	struct secret_key *key;
	struct stat sb;
	ssize_t n;
	int fd;

	if (secret_init() < 0) {
		snprintf(err, errlen, "libsodium initialisation failed");
		return NULL;
	}
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "key file %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) != 0) {
		snprintf(err, errlen, "key file %s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "key file %s: not a regular file", path);
		close(fd);
		return NULL;
	}
	if (sb.st_mode & (S_IRWXG | S_IRWXO)) {
		snprintf(err, errlen, "key file %s: permissions %04o are too "
		    "open (group or others may access it); chmod 600 it",
		    path, (unsigned)(sb.st_mode & 07777));
		close(fd);
		return NULL;
	}
	if (sb.st_size != SECRET_KEY_BYTES) {
		snprintf(err, errlen, "key file %s: %lld bytes, expected %d",
		    path, (long long)sb.st_size, SECRET_KEY_BYTES);
		close(fd);
		return NULL;
	}
	key = xalloc_check(sodium_malloc(sizeof(*key)), "sodium_malloc");
	n = read(fd, key->k, sizeof(key->k));
	close(fd);
	if (n != (ssize_t)sizeof(key->k)) {
		snprintf(err, errlen, "key file %s: short read", path);
		sodium_free(key);
		return NULL;
	}
	sodium_mprotect_readonly(key);
	return key;
}

void
secret_key_free(struct secret_key *key)
{
	if (key != NULL)
		sodium_free(key);	/* wipes */
}

bool
secret_key_equal(const struct secret_key *a, const struct secret_key *b)
{
	return a != NULL && b != NULL &&
	    sodium_memcmp(a->k, b->k, sizeof(a->k)) == 0;
}

bool
secret_pin_valid(const char *pin)
{
	int i;

	if (pin == NULL)
		return false;
	for (i = 0; i < PIN_DIGITS; i++)
		if (pin[i] < '0' || pin[i] > '9')
			return false;
	return pin[PIN_DIGITS] == '\0';
}

void
secret_salt_new(unsigned char salt[SECRET_SALT_BYTES])
{
	randombytes_buf(salt, SECRET_SALT_BYTES);
}

int
secret_pin_hash(const struct secret_key *key,
    const unsigned char salt[SECRET_SALT_BYTES], const char *pin,
    unsigned char hash[SECRET_HASH_BYTES])
{
	if (!secret_pin_valid(pin))
		return -1;
	return crypto_generichash_blake2b_salt_personal(hash,
	    SECRET_HASH_BYTES, (const unsigned char *)pin, PIN_DIGITS,
	    key->k, SECRET_KEY_BYTES, salt,
	    (const unsigned char *)PERSONAL_PIN) == 0 ? 0 : -1;
}

bool
secret_pin_matches(const struct secret_key *key,
    const unsigned char salt[SECRET_SALT_BYTES],
    const unsigned char hash[SECRET_HASH_BYTES], const char *pin)
{
	unsigned char h[SECRET_HASH_BYTES];
	bool ok;

	if (secret_pin_hash(key, salt, pin, h) != 0)
		return false;
	ok = sodium_memcmp(h, hash, SECRET_HASH_BYTES) == 0;
	sodium_memzero(h, sizeof(h));
	return ok;
}

void
secret_pin_random(char out[PIN_BUF])
{
	uint32_t v = randombytes_uniform(1000000);
	int i;

	for (i = PIN_DIGITS - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
	out[PIN_DIGITS] = '\0';
}

void
secret_key_check_value(const struct secret_key *key,
    unsigned char out[SECRET_HASH_BYTES])
{
	static const unsigned char zero_salt[SECRET_SALT_BYTES];
	static const char msg[] = "pinmilter key check";

	crypto_generichash_blake2b_salt_personal(out, SECRET_HASH_BYTES,
	    (const unsigned char *)msg, sizeof(msg) - 1, key->k,
	    SECRET_KEY_BYTES, zero_salt, (const unsigned char *)PERSONAL_CHECK);
}

/*
 * The purpose string is hashed into the message with a length prefix,
 * so ("ab", "c") and ("a", "bc") never collide.
 */
void
secret_mac(const struct secret_key *key, const char *purpose,
    const void *msg, size_t len, unsigned char mac[SECRET_HASH_BYTES])
{
	crypto_generichash_state st;
	unsigned char plen[8];
	size_t pl = strlen(purpose);
	int i;

	for (i = 0; i < 8; i++)
		plen[i] = (unsigned char)((uint64_t)pl >> (8 * i));
	crypto_generichash_init(&st, key->k, SECRET_KEY_BYTES,
	    SECRET_HASH_BYTES);
	crypto_generichash_update(&st, (const unsigned char *)"pinmilter-mac-v1", 16);
	crypto_generichash_update(&st, plen, sizeof(plen));
	crypto_generichash_update(&st, (const unsigned char *)purpose, pl);
	crypto_generichash_update(&st, msg, len);
	crypto_generichash_final(&st, mac, SECRET_HASH_BYTES);
	sodium_memzero(&st, sizeof(st));
}

bool
secret_mac_verify(const struct secret_key *key, const char *purpose,
    const void *msg, size_t len, const unsigned char mac[SECRET_HASH_BYTES])
{
	unsigned char want[SECRET_HASH_BYTES];
	bool ok;

	secret_mac(key, purpose, msg, len, want);
	ok = sodium_memcmp(want, mac, SECRET_HASH_BYTES) == 0;
	sodium_memzero(want, sizeof(want));
	return ok;
}

/* A subkey for PURPOSE: keyed BLAKE2b of the purpose under the key. */
static void
secret_subkey(const struct secret_key *key, const char *purpose,
    unsigned char sub[crypto_secretbox_KEYBYTES])
{
	secret_mac(key, purpose, "seal-subkey", 11, sub);
}

int
secret_seal(const struct secret_key *key, const char *purpose,
    const void *in, size_t len, unsigned char *out)
{
	unsigned char sub[crypto_secretbox_KEYBYTES];
	int rc;

	randombytes_buf(out, crypto_secretbox_NONCEBYTES);
	secret_subkey(key, purpose, sub);
	rc = crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, in, len,
	    out, sub);
	sodium_memzero(sub, sizeof(sub));
	return rc == 0 ? 0 : -1;
}

int
secret_open(const struct secret_key *key, const char *purpose,
    const unsigned char *in, size_t len, void *out)
{
	unsigned char sub[crypto_secretbox_KEYBYTES];
	int rc;

	if (len < SECRET_SEAL_OVERHEAD)
		return -1;
	secret_subkey(key, purpose, sub);
	rc = crypto_secretbox_open_easy(out, in + crypto_secretbox_NONCEBYTES,
	    len - crypto_secretbox_NONCEBYTES, in, sub);
	sodium_memzero(sub, sizeof(sub));
	return rc == 0 ? 0 : -1;
}

void
secret_wipe(void *p, size_t len)
{
	if (p != NULL)
		sodium_memzero(p, len);
}
