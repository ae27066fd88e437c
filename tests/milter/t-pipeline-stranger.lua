-- Senders not on file, and From fields that are not one mailbox: never
-- authenticated, no X-Support-Account, candidates tested against nothing
-- and still redacted.
dofile(common)
if plib == nil then mt.echo("SKIP: run by tests/milter/pipeline.sh") return end
dofile(plib)
conn = connect()

-- a stranger who learnt Bob's PIN
send(conn, "Q-STRANGER-1", { "<support@example.com>" },
    hdrs_from("Eve <eve@else.example>", "hello"),
    "Bob's PIN is 482913, please forward his calls to me.\r\n")
verdict(conn, "Q-STRANGER-1", "unverified", "none", "sender not on file",
    "eve@else.example", nil)
body_is(conn, "Q-STRANGER-1",
    "Bob's PIN is [PIN redacted], please forward his calls to me.\r\n")

-- a stranger without PIN: nothing but the tags
send(conn, "Q-STRANGER-2", { "<support@example.com>" },
    hdrs_from("eve@else.example", "pricing"), "How much is a line?\r\n")
verdict(conn, "Q-STRANGER-2", "unverified", "none", "sender not on file",
    "eve@else.example", nil)
body_kept(conn, "Q-STRANGER-2")
subject_is(conn, "Q-STRANGER-2", "pricing")
no_changes(conn, "Q-STRANGER-2")

-- Bob's address next to another one in From: policy, no header.from
send(conn, "Q-STRANGER-3", { "<support@example.com>" },
    hdrs_from("bob@acme.example, eve@else.example", "two of us"),
    "PIN 482913\r\n")
reply_is(conn, SMFIR_CONTINUE, "Q-STRANGER-3 at EOM")
CASE = mt.getheader(conn, "X-Support-Case", 0)
inserted_once(conn, "Q-STRANGER-3", "X-Support-Case", CASE)
x = mt.getheader(conn, "Authentication-Results", 0)
check(x ~= nil and string.find(x, "^mx%.example%.com;\n\tx%-pin=policy %(") ~= nil
    and string.find(x, "header.from", 1, true) == nil,
    "Q-STRANGER-3: Authentication-Results '" .. tostring(x) .. "'")
inserted_once(conn, "Q-STRANGER-3", "X-Support-Auth", "unverified")
check(not mt.eom_check(conn, MT_HDRINSERT, "X-Support-Account"),
    "Q-STRANGER-3: X-Support-Account inserted")
body_is(conn, "Q-STRANGER-3", "PIN [PIN redacted]\r\n")

-- no From at all
send(conn, "Q-STRANGER-4", { "<support@example.com>" },
    { { "To", "support@example.com" }, { "Subject", "PIN 482913" } },
    "anonymous\r\n")
reply_is(conn, SMFIR_CONTINUE, "Q-STRANGER-4 at EOM")
CASE = mt.getheader(conn, "X-Support-Case", 0)
inserted_once(conn, "Q-STRANGER-4", "X-Support-Case", CASE)
x = mt.getheader(conn, "Authentication-Results", 0)
check(x ~= nil and string.find(x, "^mx%.example%.com;\n\tx%-pin=policy %(") ~= nil,
    "Q-STRANGER-4: Authentication-Results '" .. tostring(x) .. "'")
inserted_once(conn, "Q-STRANGER-4", "X-Support-Auth", "unverified")
subject_is(conn, "Q-STRANGER-4", "PIN [PIN redacted]")

mt.disconnect(conn)
