-- Bob, a known user, gives his right PIN: authenticated, x-pin=pass, his
-- account named, the PIN redacted from the body (CRLF kept) and, when it
-- is in the subject, from the subject.  Nothing else is touched.
dofile(common)
if plib == nil then mt.echo("SKIP: run by tests/milter/pipeline.sh") return end
dofile(plib)
conn = connect()

-- PIN in the body only
send(conn, "Q-PASS-1", { "<support@example.com>" },
    hdrs_from("Bob <bob@acme.example>", "Voicemail question"),
    "Hello,\r\nmy PIN is 482913\r\nplease reset my voicemail.\r\n")
verdict(conn, "Q-PASS-1", "authenticated", "pass", "PIN verified", BOB, "Acme")
body_is(conn, "Q-PASS-1",
    "Hello,\r\nmy PIN is [PIN redacted]\r\nplease reset my voicemail.\r\n")
subject_is(conn, "Q-PASS-1", "Voicemail question")
no_changes(conn, "Q-PASS-1")

-- PIN in the subject only: the subject changes, the body does not
send(conn, "Q-PASS-2", { "<support@example.com>" },
    hdrs_from("bob@acme.example", "PIN 482913 - add a line"),
    "Please add a line for our new dentist.\r\n")
verdict(conn, "Q-PASS-2", "authenticated", "pass", "PIN verified", BOB, "Acme")
subject_is(conn, "Q-PASS-2", "PIN [PIN redacted] - add a line")
check(not mt.eom_check(conn, MT_HDRCHANGE, "Subject",
    "[Case #" .. CASE .. "] PIN 482913 - add a line"), "Q-PASS-2: PIN left in the subject")
body_kept(conn, "Q-PASS-2")
check(not mt.eom_check(conn, MT_HDRDELETE), "Q-PASS-2: a header was deleted")

-- both, the PIN written "482 913" in the body; header.from is the canonical
-- address (domain in lower case, local part as written)
send(conn, "Q-PASS-3", { "<support@example.com>" },
    hdrs_from("\"Bob Front Desk\" <BOB@Acme.Example>", "my pin 482913"),
    "Hi,\r\nPIN: 482 913\r\nThanks\r\n")
verdict(conn, "Q-PASS-3", "authenticated", "pass", "PIN verified",
    "BOB@acme.example", "Acme")
subject_is(conn, "Q-PASS-3", "my pin [PIN redacted]")
body_is(conn, "Q-PASS-3", "Hi,\r\nPIN: [PIN redacted]\r\nThanks\r\n")

mt.disconnect(conn)
