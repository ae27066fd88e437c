# property.py PINMILTER CONF: the generated property test of redaction.
#
# Every combination of a PIN shape, a charset, a transfer encoding and a
# placement is written as one message from bob (PIN 482913, always
# anchored: "My PIN is ...") and run through `pinmilter -t`; then:
#   1. it is delivered (exit 0): no placement makes redaction fail;
#   2. the PIN is not readable anywhere in what is delivered (nopin.py),
#      so whenever the verdict is `authenticated` the PIN is absent;
#   3. when the PIN is only in quoted or attached text (placements
#      attachment, message, quote), the verdict is not `authenticated`.
# Combinations a charset cannot write (full-width digits in
# windows-1252) are skipped and counted.  Prints TAP, one line per
# combination, and how many ran.
import os, subprocess, sys, base64, quopri

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nopin import find_pins  # noqa: E402

PIN = '482913'
SHAPES = [('plain', '482913'), ('3+3', '482 913'), ('2+2+2', '48 29 13'),
          ('1x6', '4-8-2-9-1-3'), ('en-dash', '482\u2013913'),
          ('nbsp', '482\u00a0913'), ('full-width', '４８２９１３')]
# (name, label, python codec)
CHARSETS = [('utf-8', 'utf-8', 'utf-8'), ('latin1', 'iso-8859-1', 'cp1252'),
            ('cp1252', 'windows-1252', 'cp1252'),
            ('ascii-mislabelled', 'us-ascii', 'utf-8'),
            ('utf-16', 'utf-16', 'utf-16')]
CTES = ['8bit', 'quoted-printable', 'base64']
PLACES = ['subject', 'thread-topic', 'body', 'html', 'attachment',
          'message', 'quote']
NOT_AUTHOR = ('attachment', 'message', 'quote')


def enc_body(raw, cte):
    if cte == 'base64':
        return base64.encodebytes(raw)
    if cte == 'quoted-printable':
        return quopri.encodestring(raw)
    return raw


def ew(text, label, codec, cte):
    b = text.encode(codec)
    if cte == 'base64':
        return '=?%s?B?%s?=' % (label, base64.b64encode(b).decode())
    q = ''.join(chr(c) if (48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122)
                else ('_' if c == 32 else '=%02X' % c) for c in b)
    return '=?%s?Q?%s?=' % (label, q)


def message(shape, cs, cte, place):
    name, label, codec = cs
    sentence = 'My PIN is %s.' % shape
    head = ['From: Bob Keller <bob@acme-dental.example>',
            'To: support@example.com', 'Date: Sat, 5 Dec 2026 08:00:00 +0000',
            'Message-ID: <prop@acme-dental.example>', 'MIME-Version: 1.0']
    subject = 'Invoice question'
    if place == 'subject':
        subject = ew(sentence, label, codec, cte)
    if place == 'thread-topic':
        head.append('Thread-Topic: ' + ew(sentence, label, codec, cte))
    head.append('Subject: ' + subject)
    text = 'Hello,\n\nour invoice, please.\n\nBob\n'
    if place == 'body':
        text = 'Hello,\n\n%s\n\nBob\n' % sentence
    if place == 'quote':
        text = ('Hello,\n\nsee below.\n\nOn Mon, Bob wrote:\n> %s\n' % sentence)
    if place == 'html':
        body = enc_body(('<html><body><p>%s</p></body></html>\n' % sentence
                         ).encode(codec), cte)
        head += ['Content-Type: text/html; charset=' + label,
                 'Content-Transfer-Encoding: ' + cte]
        return '\n'.join(head).encode() + b'\n\n' + body
    main = enc_body(text.encode(codec), cte)
    if place not in ('attachment', 'message'):
        head += ['Content-Type: text/plain; charset=' + label,
                 'Content-Transfer-Encoding: ' + cte]
        return '\n'.join(head).encode() + b'\n\n' + main
    head.append('Content-Type: multipart/mixed; boundary="pp"')
    first = ('--pp\nContent-Type: text/plain; charset=%s\n'
             'Content-Transfer-Encoding: %s\n\n' % (label, cte)).encode() + main
    if place == 'attachment':
        second = ('--pp\nContent-Type: text/plain; charset=%s\n'
                  'Content-Disposition: attachment; filename="note.txt"\n'
                  'Content-Transfer-Encoding: %s\n\n' % (label, cte)).encode() + \
            enc_body(('Note: %s\n' % sentence).encode(codec), cte)
    else:
        inner = ('From: Bob <bob@acme-dental.example>\nSubject: old\n'
                 'MIME-Version: 1.0\nContent-Type: text/plain; charset=%s\n'
                 'Content-Transfer-Encoding: %s\n\n' % (label, cte)).encode() + \
            enc_body(('Earlier: %s\n' % sentence).encode(codec), cte)
        second = b'--pp\nContent-Type: message/rfc822\n\n' + inner
    return ('\n'.join(head).encode() + b'\n\n' + first + b'\n' + second +
            b'\n--pp--\n')


def auth_of(out):
    for line in out.split(b'\n'):
        if not line.strip():
            break
        if line.lower().startswith(b'x-support-auth:'):
            return line.split(b':', 1)[1].strip().decode()
    return 'none'


def main():
    pinmilter, conf, tmp = sys.argv[1], sys.argv[2], sys.argv[3]
    n = ran = skipped = failed = authn = 0
    path = os.path.join(tmp, 'prop.eml')
    for sname, shape in SHAPES:
        for cs in CHARSETS:
            try:
                shape.encode(cs[2])
            except UnicodeEncodeError:
                skipped += len(CTES) * len(PLACES)
                continue
            for cte in CTES:
                for place in PLACES:
                    data = message(shape, cs, cte, place)
                    with open(path, 'wb') as fp:
                        fp.write(data)
                    p = subprocess.run([pinmilter, '-c', conf, '-t', path],
                                       stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE)
                    ran += 1
                    what = '%s/%s/%s/%s' % (sname, cs[0], cte, place)
                    bad = []
                    auth = auth_of(p.stdout) if p.returncode == 0 else \
                        'exit %d' % p.returncode
                    if p.returncode != 0:
                        bad.append('not delivered: %s' % p.stderr.decode(
                            'utf-8', 'replace').strip()[-200:])
                    else:
                        bad += find_pins(p.stdout, [PIN])
                    if auth == 'authenticated':
                        authn += 1
                        if place in NOT_AUTHOR:
                            bad.append('authenticated by quoted or attached text')
                    n += 1
                    if bad:
                        failed += 1
                        print('not ok %d - %s: %s' % (n, what, auth))
                        for b in bad:
                            print('#   ' + b)
                    else:
                        print('ok %d - %s: %s, no PIN delivered' % (n, what, auth))
    n += 1
    print('%s %d - property: %d combinations ran (%d authenticated), '
          '%d skipped, %d broke a promise' %
          ('ok' if failed == 0 and ran > 0 else 'not ok', n, ran, authn,
           skipped, failed))
    print('1..%d' % n)
    return 1 if failed else 0


sys.exit(main())
