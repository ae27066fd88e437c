#!/usr/bin/env python3
# tests/e2e/faults_load.py - mixed support traffic for the fault tests.
#
#   faults_load.py send PORT OUTDIR SESSIONS PER-SESSION [SPACING]
#       SESSIONS threads, each one SMTP session after another (a new
#       connection for every message, as most clients do), PER-SESSION
#       messages each, SPACING seconds apart.  Four kinds, in turn: "right"
#       (bob, his PIN), "wrong" (carol, a wrong PIN), "stranger" (eve,
#       bob's PIN), "out" (not to the support address).  A message answered
#       4xx (or a dropped connection) is sent again, the same bytes, like
#       an MTA retrying, up to 8 times, a second apart.  Writes
#       OUTDIR/sent.tsv: message-id, kind, attempts, final reply code
#       (250, 4xx, 5xx or "drop"), and every reply seen.
#   faults_load.py burst PORT SENT.TSV TAG N CONCURRENT
#       N messages (the four kinds in turn), CONCURRENT sessions at a
#       time, each sent once (no retry); appends to SENT.TSV, in its
#       format, with Message-IDs <fp-KIND-TAG-I@load.test>; prints how
#       many support messages and how many others got each reply code
#       ("support 451 6", "out 250 2").
#   faults_load.py held PORT OUTDIR
#       one message (bob, his PIN, <fp-held@load.test>) held at the end of
#       its DATA: everything but the final dot is sent, then OUTDIR/ready
#       is made; the dot goes when OUTDIR/go exists.  Its reply (a
#       tempfail when pinmilter is stopped meanwhile) goes to
#       OUTDIR/held.first; when OUTDIR/again exists it is sent again, as
#       an MTA would, until accepted (8 tries); its sent.tsv line goes to
#       OUTDIR/held.tsv.
#   faults_load.py check SINKDIR SENT.TSV
#       reads every delivered file and prints one "key value" line per
#       figure, then "bad ..." lines naming each message that breaks a
#       rule (tests/e2e/faults_process.sh asserts on them).
#
# Message bodies name no PIN but the one they carry; the PINs are fixed
# here and in faults_process.sh.
import email
import email.policy
import os
import smtplib
import socket
import sys
import threading
import time

RIGHT_PIN = "482913"
WRONG_PIN = "111111"
KINDS = ("right", "wrong", "stranger", "out")


def message(kind, mid):
    if kind == "right":
        frm, to, pin = "bob@acme.example", "support@example.com", RIGHT_PIN
    elif kind == "wrong":
        frm, to, pin = "carol@acme.example", "support@example.com", WRONG_PIN
    elif kind == "stranger":
        frm, to, pin = "eve@else.example", "support@example.com", RIGHT_PIN
    else:
        frm, to, pin = "bob@acme.example", "sales@example.com", ""
    body = ("Hello,\r\n\r\nplease reset the voicemail of line 3."
            + (" My PIN is %s." % pin if pin else "") + "\r\n\r\nThanks\r\n")
    data = ("From: %s\r\nTo: %s\r\nSubject: voicemail %s\r\n"
            "Message-ID: %s\r\nDate: Mon, 02 Nov 2026 10:00:00 +0000\r\n"
            "\r\n%s" % (frm, to, mid, mid, body))
    return frm, to, data.encode()


def send_one(port, frm, to, data):
    """One SMTP session: the final code as text, or "drop"."""
    try:
        s = smtplib.SMTP("127.0.0.1", port, timeout=60)
        try:
            s.ehlo("client.test")
            code, _ = s.mail(frm)
            if code != 250:
                return str(code)
            code, _ = s.rcpt(to)
            if code not in (250, 251):
                return str(code)
            code, _ = s.data(data)
            return str(code)
        finally:
            try:
                s.quit()
            except Exception:
                s.close()
    except smtplib.SMTPResponseException as e:
        return str(e.smtp_code)
    except (smtplib.SMTPException, OSError, socket.timeout):
        return "drop"


def worker(port, w, n, spacing, rows, lock):
    for i in range(n):
        kind = KINDS[(w + i) % len(KINDS)]
        mid = "<fp-%s-%02d-%03d@load.test>" % (kind, w, i)
        frm, to, data = message(kind, mid)
        seen = []
        for attempt in range(1, 10):
            code = send_one(port, frm, to, data)
            seen.append(code)
            if code == "drop" or code.startswith("4"):
                if attempt < 9:
                    time.sleep(1)
                    continue
            break
        with lock:
            rows.append((mid, kind, len(seen), seen[-1], ",".join(seen)))
        time.sleep(spacing)


def send(port, outdir, sessions, per, spacing):
    rows, lock = [], threading.Lock()
    ts = [threading.Thread(target=worker,
                           args=(port, w, per, spacing, rows, lock))
          for w in range(sessions)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    with open(os.path.join(outdir, "sent.tsv"), "w") as f:
        for r in sorted(rows):
            f.write("%s\t%s\t%d\t%s\t%s\n" % r)


def burst(port, sent_tsv, tag, n, conc):
    rows, lock = [], threading.Lock()
    todo = list(range(n))

    def run():
        while True:
            with lock:
                if not todo:
                    return
                i = todo.pop(0)
            kind = KINDS[i % len(KINDS)]
            mid = "<fp-%s-%s-%03d@load.test>" % (kind, tag, i)
            frm, to, data = message(kind, mid)
            code = send_one(port, frm, to, data)
            with lock:
                rows.append((mid, kind, 1, code, code))
    ts = [threading.Thread(target=run) for _ in range(conc)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    with open(sent_tsv, "a") as f:
        for r in sorted(rows):
            f.write("%s\t%s\t%d\t%s\t%s\n" % r)
    counts = {}
    for mid, kind, _, code, _ in rows:
        k = ("out" if kind == "out" else "support", code)
        counts[k] = counts.get(k, 0) + 1
    for (who, code), c in sorted(counts.items()):
        print("%s %s %d" % (who, code, c))


def wait_file(path):
    while not os.path.exists(path):
        time.sleep(0.05)


def held(port, outdir):
    mid = "<fp-held@load.test>"
    frm, to, data = message("right", mid)
    seen = []
    try:
        s = smtplib.SMTP("127.0.0.1", port, timeout=60)
        s.ehlo("client.test")
        s.mail(frm)
        s.rcpt(to)
        code, _ = s.docmd("DATA")
        if code != 354:
            seen.append(str(code))
        else:
            s.send(data)
            open(os.path.join(outdir, "ready"), "w").close()
            wait_file(os.path.join(outdir, "go"))
            s.send(b"\r\n.\r\n")
            code, _ = s.getreply()
            seen.append(str(code))
        s.close()
    except (smtplib.SMTPException, OSError) as e:
        seen.append("drop")
    open(os.path.join(outdir, "held.first"), "w").write(seen[-1] + "\n")
    wait_file(os.path.join(outdir, "again"))
    while seen[-1] != "250" and len(seen) < 9:
        code = send_one(port, frm, to, data)
        seen.append(code)
        if code != "250":
            time.sleep(1)
    with open(os.path.join(outdir, "held.tsv"), "w") as f:
        f.write("%s\t%s\t%d\t%s\t%s\n" % (mid, "right", len(seen), seen[-1],
                                            ",".join(seen)))


def header(m, name):
    return [str(v) for v in (m.get_all(name) or [])]


def check(sinkdir, sent_tsv):
    sent = {}
    for line in open(sent_tsv):
        mid, kind, attempts, final, seen = line.rstrip("\n").split("\t")
        sent[mid] = (kind, int(attempts), final, seen.split(","))
    delivered = {}
    bad = []
    for name in sorted(os.listdir(sinkdir)):
        raw = open(os.path.join(sinkdir, name), "rb").read()
        if RIGHT_PIN.encode() in raw or WRONG_PIN.encode() in raw:
            bad.append("pin-delivered %s" % name)
        m = email.message_from_bytes(raw, policy=email.policy.compat32)
        mid = (m.get("Message-ID") or "").strip()
        delivered.setdefault(mid, []).append(m)
    fig = dict(sent=len(sent), attempts=0, accepted=0, tempfailed=0,
               tempfail_replies=0, rejected=0, delivered=0, duplicates=0,
               false_auth=0, right_not_auth=0, untagged=0, retried_ok=0)
    for mid, (kind, attempts, final, seen) in sent.items():
        fig["attempts"] += attempts
        fig["tempfail_replies"] += sum(1 for c in seen
                                       if c.startswith("4") or c == "drop")
        if final == "250":
            fig["accepted"] += 1
            if attempts > 1:
                fig["retried_ok"] += 1
        elif final.startswith("4") or final == "drop":
            fig["tempfailed"] += 1
        else:
            fig["rejected"] += 1
        copies = delivered.get(mid, [])
        if copies:
            fig["delivered"] += 1
        if len(copies) > 1:
            fig["duplicates"] += len(copies) - 1
            cases = set(tuple(header(c, "X-Support-Case")) for c in copies)
            if len(cases) > 1:
                bad.append("two-cases %s %s" % (mid, sorted(cases)))
        if final == "250" and not copies:
            bad.append("accepted-not-delivered %s" % mid)
        if final != "250" and copies:
            bad.append("delivered-not-accepted %s (%s)" % (mid, final))
        for c in copies:
            auth = header(c, "X-Support-Auth")
            ar = " ".join(header(c, "Authentication-Results"))
            if kind == "out":
                if auth:
                    bad.append("out-of-scope-tagged %s" % mid)
                continue
            if len(auth) != 1:
                fig["untagged"] += 1
                bad.append("not-one-verdict %s %s" % (mid, auth))
                continue
            passed = auth[0] == "authenticated" or "x-pin=pass" in ar
            if kind in ("wrong", "stranger") and passed:
                fig["false_auth"] += 1
                bad.append("false-authentication %s" % mid)
            if kind == "right" and auth[0] != "authenticated":
                fig["right_not_auth"] += 1
                bad.append("right-pin-not-authenticated %s %s" % (mid, auth))
    for mid in delivered:
        if mid not in sent:
            bad.append("delivered-unknown %s" % mid)
    for k in ("sent", "attempts", "accepted", "delivered", "tempfailed",
              "tempfail_replies", "retried_ok", "rejected", "duplicates",
              "false_auth", "right_not_auth", "untagged"):
        print("%s %d" % (k, fig[k]))
    for b in bad:
        print("bad %s" % b)


def main():
    if sys.argv[1] == "send":
        send(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]),
             int(sys.argv[5]), float(sys.argv[6]) if len(sys.argv) > 6
             else 0.0)
    elif sys.argv[1] == "held":
        held(int(sys.argv[2]), sys.argv[3])
    elif sys.argv[1] == "burst":
        burst(int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5]),
              int(sys.argv[6]))
    elif sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: faults_load.py send|check ...")


if __name__ == "__main__":
    main()
