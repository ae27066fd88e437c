/*
 * test_secret.c - key files, PIN hashing, constant-time checks, random
 * PINs and MACs.  Key files live in a private temporary directory.
 * Note: root ignores file modes when opening, but secret_key_load checks
 * the mode bits itself, so these tests hold when run as root too.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/secret.h"
#include "tap.h"
#include "testutil.h"

static void
test_pin_valid(void)
{
	static const struct { const char *pin; int valid; } t[] = {
		{ "000000", 1 }, { "999999", 1 }, { "482913", 1 },
		{ "48291", 0 }, { "4829130", 0 }, { "", 0 }, { "48291a", 0 },
		{ " 48291", 0 }, { "482913\n", 0 }, { "482 913", 0 },
		{ "-48291", 0 }, { "\xef\xbc\x94" "82913", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		is_int(secret_pin_valid(t[i].pin), t[i].valid,
		    "secret_pin_valid case %zu", i);
	is_int(secret_pin_valid(NULL), 0, "secret_pin_valid(NULL)");
}

static void
test_key_files(void)
{
	char err[512];
	struct secret_key *k;
	unsigned char a[SECRET_KEY_BYTES], b[SECRET_KEY_BYTES];
	struct stat sb;
	int fd;
	static const struct { const char *name; mode_t mode; size_t len; const char *why; } bad[] = {
		{ "k0640", 0640, 32, "too open" },
		{ "k0604", 0604, 32, "too open" },
		{ "k0620", 0620, 32, "too open" },
		{ "k0601", 0601, 32, "too open" },
		{ "kshort", 0600, 31, "31 bytes" },
		{ "klong", 0600, 33, "33 bytes" },
		{ "kempty", 0600, 0, "0 bytes" },
	};
	unsigned char junk[64];
	size_t i;

	ok(secret_key_create(tpath("key"), err, sizeof(err)) == 0,
	    "create a key file");
	ok(stat(tpath("key"), &sb) == 0 && (sb.st_mode & 07777) == 0600 &&
	    sb.st_size == SECRET_KEY_BYTES, "key file is 0600 and 32 bytes");
	fd = open(tpath("key"), O_RDONLY);
	ok(fd >= 0 && read(fd, a, sizeof(a)) == (ssize_t)sizeof(a), "read key");
	close(fd);

	ok(secret_key_create(tpath("key"), err, sizeof(err)) == -1,
	    "create refuses an existing key file");
	ok(strstr(err, "File exists") != NULL, "... and says so: %s", err);
	fd = open(tpath("key"), O_RDONLY);
	ok(fd >= 0 && read(fd, b, sizeof(b)) == (ssize_t)sizeof(b) &&
	    memcmp(a, b, sizeof(a)) == 0, "existing key left unchanged");
	close(fd);

	k = secret_key_load(tpath("key"), err, sizeof(err));
	ok(k != NULL, "load a good key file");
	secret_key_free(k);
	secret_key_free(NULL);

	memset(junk, 7, sizeof(junk));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_file(tpath(bad[i].name), junk, bad[i].len, bad[i].mode);
		err[0] = '\0';
		k = secret_key_load(tpath(bad[i].name), err, sizeof(err));
		ok(k == NULL && strstr(err, bad[i].why) != NULL &&
		    strstr(err, bad[i].name) != NULL,
		    "refuse key %s: %s", bad[i].name, err);
		secret_key_free(k);
	}
	k = secret_key_load(tpath("missing"), err, sizeof(err));
	ok(k == NULL && strstr(err, "No such file") != NULL,
	    "missing key file: %s", err);
	ok(symlink(tpath("key"), tpath("link")) == 0, "make a symlink");
	k = secret_key_load(tpath("link"), err, sizeof(err));
	ok(k == NULL, "a symlinked key file is refused: %s", err);
	ok(mkdir(tpath("kdir"), 0700) == 0, "make a directory");
	k = secret_key_load(tpath("kdir"), err, sizeof(err));
	ok(k == NULL && strstr(err, "not a regular file") != NULL,
	    "a directory is refused: %s", err);
	ok(secret_key_create(tpath("nodir/key"), err, sizeof(err)) == -1,
	    "create in a missing directory fails: %s", err);
}

static void
test_hash(void)
{
	char err[512];
	struct secret_key *k1, *k2;
	unsigned char s1[SECRET_SALT_BYTES], s2[SECRET_SALT_BYTES];
	unsigned char h1[SECRET_HASH_BYTES], h2[SECRET_HASH_BYTES];
	unsigned char c1[SECRET_HASH_BYTES], c2[SECRET_HASH_BYTES];

	ok(secret_key_create(tpath("h1"), err, sizeof(err)) == 0, "key 1");
	ok(secret_key_create(tpath("h2"), err, sizeof(err)) == 0, "key 2");
	k1 = secret_key_load(tpath("h1"), err, sizeof(err));
	k2 = secret_key_load(tpath("h2"), err, sizeof(err));
	ok(k1 != NULL && k2 != NULL, "load both keys");
	if (k1 == NULL || k2 == NULL)
		return;

	secret_salt_new(s1);
	secret_salt_new(s2);
	ok(memcmp(s1, s2, sizeof(s1)) != 0, "salts differ");
	ok(secret_pin_hash(k1, s1, "482913", h1) == 0, "hash a PIN");
	ok(secret_pin_hash(k1, s1, "482913", h2) == 0 &&
	    memcmp(h1, h2, sizeof(h1)) == 0, "hash is deterministic");
	ok(secret_pin_hash(k1, s2, "482913", h2) == 0 &&
	    memcmp(h1, h2, sizeof(h1)) != 0, "another salt, another hash");
	ok(secret_pin_hash(k2, s1, "482913", h2) == 0 &&
	    memcmp(h1, h2, sizeof(h1)) != 0, "another key, another hash");
	ok(secret_pin_hash(k1, s1, "48291", h2) == -1, "5 digits not hashed");
	ok(secret_pin_hash(k1, s1, "48291x", h2) == -1, "non-digit not hashed");
	ok(memmem(h1, sizeof(h1), "482913", 6) == NULL, "hash holds no PIN");

	ok(secret_pin_matches(k1, s1, h1, "482913"), "right PIN matches");
	ok(!secret_pin_matches(k1, s1, h1, "482914"), "wrong PIN fails");
	ok(!secret_pin_matches(k1, s2, h1, "482913"), "wrong salt fails");
	ok(!secret_pin_matches(k2, s1, h1, "482913"), "wrong key fails");
	ok(!secret_pin_matches(k1, s1, h1, "4829130"), "7 digits fail");
	ok(!secret_pin_matches(k1, s1, h1, ""), "empty fails");

	secret_key_check_value(k1, c1);
	secret_key_check_value(k2, c2);
	ok(memcmp(c1, c2, sizeof(c1)) != 0, "key check values differ per key");
	secret_key_check_value(k1, c2);
	ok(memcmp(c1, c2, sizeof(c1)) == 0, "key check value is stable");

	secret_mac(k1, "case", "100042", 6, c1);
	ok(secret_mac_verify(k1, "case", "100042", 6, c1), "MAC verifies");
	ok(!secret_mac_verify(k1, "case", "100043", 6, c1), "altered message");
	ok(!secret_mac_verify(k2, "case", "100042", 6, c1), "other key");
	ok(!secret_mac_verify(k1, "casf", "100042", 6, c1), "other purpose");
	ok(!secret_mac_verify(k1, "case1", "00042", 5, c1),
	    "purpose/message boundary is part of the MAC");
	c1[31] ^= 1;
	ok(!secret_mac_verify(k1, "case", "100042", 6, c1), "flipped bit");

	{
		static const char msg[] = "Your new PIN is 482913";
		unsigned char sealed[sizeof(msg) + SECRET_SEAL_OVERHEAD];
		unsigned char sealed2[sizeof(msg) + SECRET_SEAL_OVERHEAD];
		char back[sizeof(msg)];

		ok(secret_seal(k1, "outbox", msg, sizeof(msg), sealed) == 0, "seal");
		ok(memmem(sealed, sizeof(sealed), "482913", 6) == NULL,
		    "sealed bytes hold no PIN");
		ok(secret_open(k1, "outbox", sealed, sizeof(sealed), back) == 0 &&
		    memcmp(back, msg, sizeof(msg)) == 0, "open gives the message back");
		ok(secret_seal(k1, "outbox", msg, sizeof(msg), sealed2) == 0 &&
		    memcmp(sealed, sealed2, sizeof(sealed)) != 0,
		    "a fresh nonce each time");
		ok(secret_open(k2, "outbox", sealed, sizeof(sealed), back) == -1,
		    "another key cannot open it");
		ok(secret_open(k1, "other", sealed, sizeof(sealed), back) == -1,
		    "another purpose cannot open it");
		sealed[30] ^= 1;
		ok(secret_open(k1, "outbox", sealed, sizeof(sealed), back) == -1,
		    "an altered byte is refused");
		ok(secret_open(k1, "outbox", sealed, 10, back) == -1,
		    "a short input is refused");
	}
	secret_key_free(k1);
	secret_key_free(k2);
}

static void
test_random(void)
{
	enum { N = 200000 };
	static unsigned counts[PIN_DIGITS][10];
	char pin[PIN_BUF];
	int i, p, d, all_valid = 1, leading_zero = 0, worst = 0;

	for (i = 0; i < N; i++) {
		secret_pin_random(pin);
		if (!secret_pin_valid(pin))
			all_valid = 0;
		if (pin[0] == '0')
			leading_zero++;
		for (p = 0; p < PIN_DIGITS; p++)
			counts[p][pin[p] - '0']++;
	}
	ok(all_valid, "%d random PINs are all exactly 6 digits", N);
	ok(leading_zero > 0, "PINs below 100000 occur (%d)", leading_zero);
	/* each digit in each place: expected N/10, sigma ~134; allow 6 sigma */
	for (p = 0; p < PIN_DIGITS; p++)
		for (d = 0; d < 10; d++) {
			int dev = abs((int)counts[p][d] - N / 10);
			if (dev > worst)
				worst = dev;
		}
	ok(worst < 805, "digits uniform in every place (worst deviation %d)",
	    worst);
	secret_wipe(pin, sizeof(pin));
	ok(pin[0] == 0 && pin[5] == 0, "secret_wipe zeroes");
}

int
main(void)
{
	tdir_make("pmsecret");
	if (secret_init() != 0)
		return 99;
	test_pin_valid();
	test_key_files();
	test_hash();
	test_random();
	rmtree(tdir);
	return tap_done();
}
