-- The database cannot be used and OnInternalError is accept: the message
-- goes on, tagged x-pin=temperror and unverified, never authenticated,
-- forged tags are still removed and the PIN is still redacted.
-- Run by tests/milter/pipeline.sh while the database is unusable, with
-- -D dbcase=locked (store opened, writes time out) or -D dbcase=missing
-- (the database file is gone: nothing is known of the sender).
dofile(common)
if plib == nil then mt.echo("SKIP: run by tests/milter/pipeline.sh") return end
dofile(plib)
check(dbcase == "locked" or dbcase == "missing", "bad dbcase " .. tostring(dbcase))
conn = connect()

-- Bob with his right PIN and a forged pass
send(conn, "Q-DB-A-1", { "<support@example.com>" },
    hdrs_from("bob@acme.example", "PIN 482913 please",
    { { "X-Support-Auth", "authenticated" },
      { "Authentication-Results", "mx.example.com; x-pin=pass" } }),
    "my PIN is 482913\r\n")
if dbcase == "locked" then
	-- the user was read before the write timed out
	tags(conn, "Q-DB-A-1", "unverified", "temperror", "internal error",
	    BOB, "Acme")
else
	-- no database: the sender is still named (from the From field), no
	-- account can be known
	tags(conn, "Q-DB-A-1", "unverified", "temperror", "internal error",
	    BOB, nil)
end
check(mt.eom_check(conn, MT_HDRDELETE, "X-Support-Auth", 1),
    "Q-DB-A-1: forged X-Support-Auth not deleted")
check(mt.eom_check(conn, MT_HDRDELETE, "Authentication-Results", 1),
    "Q-DB-A-1: forged Authentication-Results not deleted")
-- Redaction needs no database: with OnInternalError accept the PIN is
-- still taken out of body and subject (no case tag: no case was opened).
body_is(conn, "Q-DB-A-1", "my PIN is [PIN redacted]\r\n")
check(mt.eom_check(conn, MT_HDRCHANGE, "Subject", "PIN [PIN redacted] please"),
    "Q-DB-A-1: Subject not redacted")
check(not mt.eom_check(conn, MT_HDRINSERT, "X-Support-Case"),
    "Q-DB-A-1: a case was opened")
mt.disconnect(conn)
