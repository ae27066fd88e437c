-- Wrong PINs: x-pin=fail, unverified, still redacted (a wrong PIN may be
-- an old or another account's real one).  Carol (PIN 135790, MaxFailures
-- 5 by default) is locked after five wrong PINs; then even her right PIN
-- fails, and is redacted all the same.
dofile(common)
if plib == nil then mt.echo("SKIP: run by tests/milter/pipeline.sh") return end
dofile(plib)
conn = connect()

send(conn, "Q-FAIL-1", { "<support@example.com>" },
    hdrs_from("Bob <bob@acme.example>", "PIN 111111 reset please"),
    "Hello,\r\nmy PIN is 111111\r\n")
-- a change request ("reset") without a valid PIN: Bob is asked to verify
verdict(conn, "Q-FAIL-1", "verification-requested", "fail", "wrong PIN", BOB, "Acme")
subject_is(conn, "Q-FAIL-1", "PIN [PIN redacted] reset please")
body_is(conn, "Q-FAIL-1", "Hello,\r\nmy PIN is [PIN redacted]\r\n")

-- a wrong and a right PIN in one message: the right one counts, both go
send(conn, "Q-FAIL-2", { "<support@example.com>" },
    hdrs_from("bob@acme.example", "typo"),
    "PIN 482931, sorry, my PIN is 482913\r\n")
verdict(conn, "Q-FAIL-2", "authenticated", "pass", "PIN verified", BOB, "Acme")
body_is(conn, "Q-FAIL-2", "PIN [PIN redacted], sorry, my PIN is [PIN redacted]\r\n")

-- more candidates than MaxCandidates (3): a failure, nothing tested
send(conn, "Q-FAIL-3", { "<support@example.com>" },
    hdrs_from("bob@acme.example", "guessing"),
    "PIN 000001\r\nPIN 000002\r\nPIN 000003\r\nPIN 482913\r\n")
verdict(conn, "Q-FAIL-3", "unverified", "fail", "too many PIN candidates", BOB, "Acme")
body_is(conn, "Q-FAIL-3",
    "PIN [PIN redacted]\r\nPIN [PIN redacted]\r\nPIN [PIN redacted]\r\nPIN [PIN redacted]\r\n")

-- Carol: five wrong PINs, then locked; the fifth locks her, and she is
-- told so (an account-locked notice, once per lock: verification-requested)
for i = 1, 5 do
	local id = "Q-FAIL-C" .. i
	send(conn, id, { "<support@example.com>" },
	    hdrs_from("carol@acme.example", "attempt " .. i),
	    string.format("PIN 20000%d\r\n", i))
	verdict(conn, id, i == 5 and "verification-requested" or "unverified",
	    "fail", "wrong PIN", "carol@acme.example", "Acme")
	body_is(conn, id, "PIN [PIN redacted]\r\n")
end
send(conn, "Q-FAIL-C6", { "<support@example.com>" },
    hdrs_from("carol@acme.example", "right one now"), "PIN 135790\r\n")
verdict(conn, "Q-FAIL-C6", "unverified", "fail", "too many failures, user locked",
    "carol@acme.example", "Acme")
body_is(conn, "Q-FAIL-C6", "PIN [PIN redacted]\r\n")

mt.disconnect(conn)
