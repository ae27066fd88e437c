# nopin.py FILE PIN...: is any PIN still readable in the message FILE?
#
# Every header field (RFC 2047 encoded-words decoded, raw 8-bit bytes read
# as UTF-8 and as windows-1252), every MIME parameter (RFC 2231 decoded),
# every part in its declared charset and also as UTF-8 and windows-1252
# (transfer encoding undone), attached messages and their headers, HTML
# as source, with entities decoded and with tags removed, and the raw
# file itself.  Each text is NFKC-normalised, every Unicode decimal digit
# becomes its ASCII digit (unicodedata.decimal), and a PIN is found when
# its six digits appear in order with at most four separators (anything
# not a letter or digit) between two of them and no digit touching it.
# Prints one line per PIN found, with some context; exit 1 when any is.
import email, email.policy, email.utils, html, re, sys, unicodedata, base64, quopri

EW = re.compile(r'=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=')


def bytes_texts(b, cs=None):
    out = []
    for c in ([cs] if cs else []) + ['utf-8', 'windows-1252', 'latin-1']:
        try:
            out.append(b.decode(c, 'replace'))
        except (LookupError, TypeError):
            pass
    if cs and 'utf-16' in cs.lower():
        for c in ('utf-16', 'utf-16-le', 'utf-16-be'):
            out.append(b.decode(c, 'replace'))
    return out


def ew_decode(v):
    def one(mo):
        cs, enc, data = mo.group(1).split('*')[0], mo.group(2), mo.group(3)
        try:
            if enc in 'bB':
                raw = base64.b64decode(data + '=' * (-len(data) % 4))
            else:
                raw = quopri.decodestring(data.replace('_', ' '), header=True)
        except Exception:
            return mo.group(0)
        try:
            return raw.decode(cs, 'replace')
        except LookupError:
            return raw.decode('utf-8', 'replace')
    # adjacent encoded-words: the blank between them goes
    v = re.sub(r'(\?=)\s+(=\?)', r'\1\2', v)
    return EW.sub(one, v)


def header_texts(v):
    if not isinstance(v, str):
        v = str(v)
    raw = v.encode('ascii', 'surrogateescape')
    out = []
    for t in bytes_texts(raw):
        out.append(t)
        out.append(ew_decode(t))
    return out


def html_texts(t):
    tags = re.compile(r'<[^>]*>')
    return [html.unescape(t), tags.sub('', t), html.unescape(tags.sub('', t)),
            tags.sub(' ', html.unescape(t))]


def walk(m, out):
    for k, v in m._headers:
        out.extend(header_texts(v))
    for h in ('content-type', 'content-disposition'):
        try:
            for k, v in m.get_params([], header=h):
                out.append(email.utils.collapse_rfc2231_value(v))
        except Exception:
            pass
    if m.is_multipart():
        out.extend(bytes_texts((m.preamble or '').encode('utf-8', 'surrogateescape')))
        out.extend(bytes_texts((m.epilogue or '').encode('utf-8', 'surrogateescape')))
        for p in m.get_payload():
            walk(p, out)
        return
    try:
        data = m.get_payload(decode=True) or b''
    except Exception:
        data = b''
    raw = m.get_payload()
    if isinstance(raw, str):
        data_raw = raw.encode('utf-8', 'surrogateescape')
    else:
        data_raw = b''
    cs = m.get_content_charset()
    texts = bytes_texts(data, cs) + bytes_texts(data_raw)
    out.extend(texts)
    if m.get_content_type() == 'text/html' or b'<' in data:
        for t in texts:
            out.extend(html_texts(t))


def normal(t):
    t = unicodedata.normalize('NFKC', t)
    return ''.join(str(unicodedata.decimal(c)) if unicodedata.decimal(c, None)
                   is not None else c for c in t)


def pin_regex(pin):
    sep = r'[\W_]{0,4}'
    return re.compile(r'(?<!\d)' + sep.join(pin) + r'(?!\d)')


def find_pins(raw, pins):
    """The lines saying which of PINS are readable in message RAW."""
    out = bytes_texts(raw)
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    walk(msg, out)
    texts = [normal(t) for t in out]
    found = []
    for pin in pins:
        rx = pin_regex(pin)
        for t in texts:
            mo = rx.search(t)
            if mo:
                ctx = t[max(0, mo.start() - 30):mo.end() + 10]
                found.append('%s: ...%s...' % (pin, ctx.replace('\n', ' ')))
                break
    return found


def main():
    found = find_pins(open(sys.argv[1], 'rb').read(), sys.argv[2:])
    for f in found:
        print(f)
    sys.exit(1 if found else 0)


if __name__ == '__main__':
    main()
