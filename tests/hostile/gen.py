#!/usr/bin/env python3
# gen.py - writes the hostile messages of the folders c2-charset,
# c3-placement, c7-shapes and c12-incomplete, and their expect.tsv.
# Run from anywhere: python3 tests/hostile/gen.py (the .eml files are
# committed; run it again after changing it, and commit the result).
# The users and PINs are those of tests/hostile/run.sh (bob 482913).
import base64, os, quopri, sys

HERE = os.path.dirname(os.path.abspath(__file__))
PIN = '482913'
BOB = 'Bob Keller <bob@acme-dental.example>'


def b64(b):
    s = base64.encodebytes(b).decode('ascii')
    return s


def qp(b):
    return quopri.encodestring(b).decode('ascii')


def cte_body(raw, cte):
    """RAW (bytes) in transfer encoding CTE, as bytes."""
    if cte == 'base64':
        return b64(raw).encode('ascii')
    if cte == 'quoted-printable':
        return qp(raw).encode('ascii')
    return raw


def message(n, subject, body, ctype='text/plain; charset=us-ascii',
            cte='7bit', extra=(), frm=BOB, mime=True):
    h = ['From: ' + frm, 'To: support@example.com',
         'Subject: ' + subject, 'Date: Sat, 5 Dec 2026 08:00:00 +0000',
         'Message-ID: <hostile.%s@acme-dental.example>' % n]
    h += list(extra)
    if mime:
        h += ['MIME-Version: 1.0', 'Content-Type: ' + ctype]
        if cte:
            h.append('Content-Transfer-Encoding: ' + cte)
    head = '\n'.join(h).encode('utf-8') + b'\n\n'
    if isinstance(body, str):
        body = body.encode('utf-8')
    return head + body


class Folder:
    def __init__(self, name, header):
        self.name, self.rows, self.header = name, [], header
        self.dir = os.path.join(HERE, name)
        os.makedirs(self.dir, exist_ok=True)
        for f in os.listdir(self.dir):
            if f.endswith('.eml'):
                os.unlink(os.path.join(self.dir, f))

    def add(self, slug, data, auth, absent, notes):
        f = '%02d-%s.eml' % (len(self.rows) + 1, slug)
        with open(os.path.join(self.dir, f), 'wb') as fp:
            fp.write(data)
        self.rows.append((f, auth, absent, notes))

    def write(self):
        with open(os.path.join(self.dir, 'expect.tsv'), 'w') as fp:
            fp.write('# %s\n# written by tests/hostile/gen.py: do not edit\n'
                     % self.header)
            fp.write('# file\tauth\tabsent\tnotes\n')
            for r in self.rows:
                fp.write('\t'.join(r) + '\n')
        return len(self.rows)


MIXED = 'multipart/mixed; boundary="b1"'


def mixed(*parts, pre=b'', epi=b''):
    out = pre + b'\n' if pre else b''
    for p in parts:
        out += b'--b1\n' + p + b'\n'
    out += b'--b1--\n' + epi
    return out


def part(ctype, body, cte='7bit', extra=()):
    h = ['Content-Type: ' + ctype] + list(extra)
    if cte:
        h.append('Content-Transfer-Encoding: ' + cte)
    if isinstance(body, str):
        body = body.encode('utf-8')
    return '\n'.join(h).encode('utf-8') + b'\n\n' + cte_body(body, cte or '7bit')


# ---- c2: charsets -------------------------------------------------------
def c2():
    f = Folder('c2-charset', 'class 2: the same decoding for reading and redaction')
    ctes = ['8bit', 'quoted-printable', 'base64']
    cases = [
        # slug, label, PIN bytes, candidate?, note
        ('latin1-cp1252-dash', 'iso-8859-1', b'482\x96913', True,
         'iso-8859-1 label, 0x96 (windows-1252 en dash) between the groups'),
        ('latin1-upper', 'ISO-8859-1', b'482\x96913', True,
         'upper-case label, 0x96'),
        ('latin1-alias', 'latin1', b'482\x97913', True,
         'latin1 label, 0x97 (em dash)'),
        ('iso-underscore', 'iso_8859-1', b'482\x96913', True,
         'iso_8859-1 alias, 0x96'),
        ('latin1-nbsp', 'iso-8859-1', b'482\xa0913', True,
         'NBSP between the groups'),
        ('ascii-fullwidth', 'us-ascii', '４８２９１３'.encode('utf-8'), True,
         'us-ascii label, UTF-8 full-width digits'),
        ('ascii-thinspace', 'us-ascii', '482\u2009913'.encode('utf-8'), True,
         'us-ascii label, UTF-8 thin space'),
        ('ascii-cp1252', 'us-ascii', b'482\x96913', True,
         'us-ascii label, windows-1252 0x96'),
        ('utf8-cp1252', 'utf-8', b'482\x96913', True,
         'utf-8 label, invalid UTF-8: windows-1252 0x96'),
        ('cp1252', 'windows-1252', b'482\x96913', True,
         'windows-1252 label, 0x96'),
        ('utf16', 'utf-16', 'My PIN is 482913.'.encode('utf-16'), True,
         'UTF-16 with a BOM'),
        ('arabic-indic', 'utf-8', '٤٨٢٩١٣'.encode('utf-8'), True,
         'Arabic-Indic digits'),
    ]
    for slug, label, pinb, cand, note in cases:
        for cte in ctes:
            if slug == 'utf16' and cte != 'base64':
                continue
            if slug == 'utf16':
                raw = pinb
                body = ('Hello,\n\n' ).encode('utf-16')
                raw = ('Hello, could you check our last invoice?\n\nMy PIN is 482913.\n\nBob\n').encode('utf-16')
            else:
                raw = (b'Hello,\n\nCould you check our last invoice?\n\nMy PIN is '
                       + pinb + b'.\n\nBob\n')
            f.add('%s-%s' % (slug, cte[:2]),
                  message('c2-%s-%s' % (slug, cte), 'Invoice question',
                          cte_body(raw, cte),
                          'text/plain; charset=%s' % label, cte),
                  'authenticated' if cand else 'unverified', PIN,
                  note + ', ' + cte)
    # HTML in windows-1252 labelled iso-8859-1
    raw = b'<html><body><p>My PIN is 482\x96913.</p></body></html>\n'
    for cte in ctes:
        f.add('html-latin1-' + cte[:2],
              message('c2-html-' + cte, 'Invoice question', cte_body(raw, cte),
                      'text/html; charset=iso-8859-1', cte),
              'authenticated', PIN, 'HTML, iso-8859-1 label, 0x96, ' + cte)
    # subjects: encoded-words in the same charsets
    subs = [('subj-latin1-q', '=?iso-8859-1?Q?My_PIN_482=96913?='),
            ('subj-latin1-b', '=?ISO-8859-1?B?%s?=' %
             base64.b64encode(b'My PIN 482\x96913').decode()),
            ('subj-ascii-fw', '=?us-ascii?B?%s?=' %
             base64.b64encode('PIN ４８２９１３'.encode()).decode()),
            ('subj-utf8-nbsp', '=?utf-8?Q?PIN_482=C2=A0913?='),
            ('subj-raw-8bit', 'PIN 482\u00a0913')]
    for slug, s in subs:
        f.add(slug, message('c2-' + slug, s,
                            'Hello,\n\nthe PIN is in the subject.\n\nBob\n'),
              'authenticated', PIN, 'PIN in an encoded subject')
    # the attachment in a charset: not author text, keyword-anchored
    att = part('text/plain; charset=iso-8859-1', b'Old note: PIN 482\x96913\n',
               'quoted-printable',
               ['Content-Disposition: attachment; filename="note.txt"'])
    f.add('attached-latin1', message('c2-att', 'A note', mixed(
        part('text/plain; charset=us-ascii', 'Hello,\n\nsee the note.\n'), att),
        MIXED, None), 'unverified', PIN,
        'PIN only in an iso-8859-1 attachment with 0x96: redacted, no candidate')
    return f.write()


# ---- c3: placements ----------------------------------------------------
def c3():
    f = Folder('c3-placement', 'class 3: PINs outside Subject and body parts')
    body_pin = 'Hello,\n\nMy PIN is 482913.\n\nBob\n'
    body_none = 'Hello,\n\na question about our invoice.\n\nBob\n'
    hdrs = [('thread-topic', 'Thread-Topic: My PIN is 482913'),
            ('x-original-subject', 'X-Original-Subject: PIN 482913'),
            ('comments', 'Comments: PIN 482913'),
            ('keywords', 'Keywords: support, PIN 482913'),
            ('x-custom', 'X-Note: PIN 482913'),
            ('thread-topic-ew', 'Thread-Topic: =?utf-8?B?%s?=' %
             base64.b64encode('My PIN is 482 913'.encode()).decode()),
            ('comments-folded', 'Comments: our\n PIN is\n 482913'),
            ('to-name', 'Cc: "PIN 482913" <bob@acme-dental.example>'),
            ('reply-to-name', 'Reply-To: "Bob PIN 482913" <bob@acme-dental.example>'),
            ('cc-ew-name', 'Cc: =?utf-8?Q?PIN_482913?= <carol@acme-dental.example>')]
    for slug, h in hdrs:
        f.add(slug + '-only', message('c3-' + slug, 'Invoice question', body_none,
                                      extra=[h]),
              'unverified', PIN, 'keyword-anchored PIN in a header only')
        f.add(slug + '-and-body', message('c3-b-' + slug, 'Invoice question',
                                          body_pin, extra=[h]),
              'authenticated', PIN, 'PIN in the body and in a header')
    f.add('from-name', message('c3-from', 'Invoice question', body_pin,
                               frm='"Bob (PIN 482913)" <bob@acme-dental.example>'),
          'authenticated', PIN, 'PIN in the From display name')
    f.add('thread-topic-bare', message('c3-ttb', 'Invoice question', body_pin,
                                       extra=['Thread-Topic: 482913']),
          'authenticated', PIN, 'the candidate bare in Thread-Topic')
    # attached messages
    inner = (b'From: Bob Keller <bob@acme-dental.example>\nTo: support@example.com\n'
             b'Subject: My PIN is 482913\nComments: PIN 482913\n'
             b'MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n'
             b'Earlier note.\n')
    for ct in ('message/rfc822', 'message/global'):
        slug = ct.split('/')[1]
        f.add('attached-' + slug + '-header', message('c3-' + slug, 'Forwarding',
              mixed(part('text/plain; charset=us-ascii', body_none),
                    part(ct, inner, None)), MIXED, None),
              'unverified', PIN, 'PIN in the header of an attached ' + ct)
        f.add('attached-' + slug + '-both', message('c3-b' + slug, 'Forwarding',
              mixed(part('text/plain; charset=us-ascii', body_pin),
                    part(ct, inner, None)), MIXED, None),
              'authenticated', PIN, 'PIN in the body and an attached ' + ct)
    inner_ew = (b'From: =?utf-8?Q?PIN_482913?= <bob@acme-dental.example>\n'
                b'Subject: =?iso-8859-1?Q?PIN_482=96913?=\n\nEarlier.\n')
    f.add('attached-encoded-header', message('c3-aew', 'Forwarding',
          mixed(part('text/plain; charset=us-ascii', body_none),
                part('message/rfc822', inner_ew, None)), MIXED, None),
          'unverified', PIN, 'encoded-words in an attached message header')
    # MIME parameters and Content-Description
    params = [
        ('filename', ['Content-Disposition: attachment; filename="PIN 482913.txt"']),
        ('name', ['Content-Type: application/octet-stream; name="PIN-482913.bin"']),
        ('rfc2231', ["Content-Disposition: attachment; filename*=utf-8''PIN%20482913.pdf"]),
        ('description', ['Content-Description: my PIN 482913']),
        ('filename-ew', ['Content-Disposition: attachment; filename="=?utf-8?B?%s?="'
                         % base64.b64encode(b'PIN 482913.txt').decode()]),
    ]
    for slug, ph in params:
        ct = 'application/octet-stream'
        extra = [x for x in ph if not x.startswith('Content-Type')]
        cts = [x for x in ph if x.startswith('Content-Type')]
        if cts:
            ct = cts[0].split(': ', 1)[1]
        p = part(ct, b'\x00\x01\x02binary\xff', 'base64', extra)
        f.add('param-' + slug, message('c3-p' + slug, 'Invoice question',
              mixed(part('text/plain; charset=us-ascii', body_none), p),
              MIXED, None), 'unverified', PIN, 'PIN in a MIME parameter: ' + slug)
    # top-level Content-Description and name
    f.add('top-description', message('c3-td', 'Invoice question', body_none,
          extra=['Content-Description: PIN 482913']), 'unverified', PIN,
          'top-level Content-Description')
    f.add('top-name', message('c3-tn', 'Invoice question', body_pin,
          ctype='text/plain; charset=us-ascii; name="PIN 482913.txt"'),
          'unverified', PIN, 'top-level Content-Type name: the part is an attachment (a file name), not author text')
    # HTML attributes and entities
    htmls = [
        ('alt', '<p>Hello</p><img src="cid:x" alt="PIN 482913">', 'unverified'),
        ('title', '<p title="My PIN is 482913">Hello, a question.</p>', 'unverified'),
        ('value', '<input value="PIN 482913"><p>Hello</p>', 'unverified'),
        ('entities', '<p>My PIN is &#52;&#56;&#50;&#57;&#49;&#51;.</p>', 'authenticated'),
        ('hex-entities', '<p>My PIN is &#x34;&#x38;&#x32;913.</p>', 'authenticated'),
        ('attr-entities', '<p title="PIN &#52;82913">Hello</p>', 'unverified'),
        ('attr-candidate', '<p title="482913">My PIN is 482913.</p>', 'authenticated'),
        ('comment', '<!-- PIN 482913 --><p>Hello</p>', 'unverified'),
        ('split-tags', '<p>My PIN is <b>48</b><i>29</i>13.</p>', 'authenticated'),
        ('data-attr', '<div data-pin="PIN: 482913">Hello</div>', 'unverified'),
    ]
    for slug, h, auth in htmls:
        for cte in ('7bit', 'base64'):
            f.add('html-%s-%s' % (slug, cte[:2]), message('c3-h%s%s' % (slug, cte),
                  'Invoice question',
                  cte_body(('<html><body>%s</body></html>\n' % h).encode(), cte),
                  'text/html; charset=utf-8', cte), auth, PIN,
                  'HTML: ' + slug)
    f.add('preamble', message('c3-pre', 'Invoice question',
          mixed(part('text/plain; charset=us-ascii', body_none),
                pre=b'PIN 482913', epi=b'PIN 482913\n'), MIXED, None),
          'unverified', PIN, 'preamble and epilogue')
    return f.write()


# ---- c7: shapes --------------------------------------------------------
# (slug, the text after "Hello,\n\n", candidate?)
SHAPES = [
    ('pairs', 'My PIN is 48 29 13.', True),
    ('pairs-hyphen', 'My PIN is 48-29-13.', True),
    ('pairs-dot', 'My PIN is 48.29.13.', False),
    ('singles-space', 'My PIN is 4 8 2 9 1 3.', True),
    ('singles-hyphen', 'My PIN is 4-8-2-9-1-3.', True),
    ('singles-dot', 'My PIN is 4.8.2.9.1.3.', True),
    ('comma', 'My PIN is 482,913.', False),
    ('apostrophe', "My PIN is 482'913.", False),
    ('slash', 'My PIN is 482/913.', False),
    ('two-spaces', 'My PIN is 482  913.', False),
    ('spaced-hyphen', 'My PIN is 482 - 913.', False),
    ('pin-nummer', 'PIN-Nummer 482913', True),
    ('pin-nummer-colon', 'Meine PIN-Nummer: 482913', True),
    ('pin-comma', 'PIN, 482913', False),
    ('blank-line', 'My PIN:\n\n482913', True),
    ('two-blank-lines', 'My PIN:\n\n\n482913', True),
    ('four-blank-lines', 'PIN\n\n\n\n\n482913', False),
    ('list', 'PINs: 111111, 222222, 482913', False),
    ('list-and', 'PINs: 111111 and 482913', False),
    ('pin-colon-nospace', 'PIN:482913', True),
    ('pin-hash', 'PIN#482913', True),
    ('pin-equals', 'PIN = 482 913', True),
    ('quotes', 'PIN "482913"', True),
    ('guillemets', 'NIP «482913»', True),
    ('markdown-bold', 'PIN: *482913*', True),
    ('backticks', 'PIN: `482913`', True),
    ('arrow', 'PIN \u2192 482913', False),
    ('tab', 'PIN\t482913', True),
    ('lowercase', 'my pin is 482913', True),
    ('pincode', 'Pincode: 482913', True),
    ('code-pin', 'Code PIN : 482913', True),
    ('before', '482913 is my PIN', True),
    ('before-paren', '482913 (PIN)', True),
    ('underscore', 'PIN 482_913', False),
    ('middle-dot', 'PIN 482\u00b7913', False),
]


def c7():
    f = Folder('c7-shapes', 'class 7: PIN shapes people write')
    for slug, text, cand in SHAPES:
        f.add(slug, message('c7-' + slug, 'Invoice question',
                            'Hello,\n\n%s\n\nThanks,\nBob\n' % text,
                            'text/plain; charset=utf-8', '8bit'),
              'authenticated' if cand else 'unverified', PIN,
              ('a candidate' if cand else 'not a candidate, redacted') + ': ' +
              text.replace('\n', '\\n').replace('\t', '\\t'))
    return f.write()


# ---- c12: incomplete messages ----------------------------------------
def c12():
    f = Folder('c12-incomplete', 'class 12: incomplete messages (run.sh: '
               'MaxMessageSize 64K; the header-field cap is 5000 fields)')
    big = (b'filler line of an attached log, nothing secret here 0123\n' * 1400)
    f.add('big-pin-first', message('c12-a', 'Invoice question', mixed(
        part('text/plain; charset=us-ascii', 'Hello,\n\nMy PIN is 482913.\n'),
        part('text/plain; charset=us-ascii', big, '7bit',
             ['Content-Disposition: attachment; filename="log.txt"'])),
        MIXED, None), 'reject', PIN, 'over MaxMessageSize, PIN in the first part')
    f.add('big-pin-last', message('c12-b', 'Invoice question', mixed(
        part('text/plain; charset=us-ascii', 'Hello,\n\nsee the log.\n'),
        part('text/plain; charset=us-ascii', big, '7bit',
             ['Content-Disposition: attachment; filename="log.txt"']),
        part('text/plain; charset=us-ascii', 'PS: my PIN is 482913.\n')),
        MIXED, None), 'reject', PIN, 'over MaxMessageSize, PIN past the limit')
    f.add('big-pin-subject', message('c12-c', 'My PIN is 482913',
          b'Hello,\n\n' + big, 'text/plain; charset=us-ascii'),
          'reject', PIN, 'over MaxMessageSize, PIN in the subject')
    filler = ['X-Filler-%d: x' % i for i in range(5005)]
    f.add('fields-pin-last', message('c12-d', 'Invoice question',
          'Hello,\n\nMy PIN is 482913.\n', extra=filler +
          ['Thread-Topic: My PIN is 482913']), 'reject', PIN,
          'past the header-field cap, PIN in a late Thread-Topic')
    f.add('fields-subject-last', message('c12-e', 'Invoice question',
          'Hello,\n\na question.\n', extra=filler +
          ['Comments: PIN 482913']), 'reject', PIN,
          'past the header-field cap, PIN in a late Comments field')
    f.add('big-no-pin', message('c12-f', 'Invoice question',
          b'Hello,\n\nNo secret here.\n' + big, 'text/plain; charset=us-ascii'),
          'reject', '-', 'over MaxMessageSize, no PIN: refused all the same')
    return f.write()


n = c2() + c3() + c7() + c12()
print('%d messages' % n)
