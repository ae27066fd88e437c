-- The database cannot be used (held by another writer past
-- DatabaseTimeout, or gone) and OnInternalError is tempfail (the
-- default): 451 4.3.0 at end of message, no edit at all.
-- Run by tests/milter/pipeline.sh while the database is unusable.
dofile(common)
if plib == nil then mt.echo("SKIP: run by tests/milter/pipeline.sh") return end
dofile(plib)
conn = connect()

function tempfailed(id)
	reply_is(conn, SMFIR_REPLYCODE, id .. " at EOM")
	check(mt.eom_check(conn, MT_SMTPREPLY, "451", "4.3.0",
	    "pinmilter: temporary failure, please try again later"),
	    id .. ": not answered 451 4.3.0 with pinmilter's text")
	check(not mt.eom_check(conn, MT_HDRINSERT), id .. ": a header was inserted")
	check(not mt.eom_check(conn, MT_HDRADD), id .. ": a header was added")
	no_changes(conn, id)
	body_kept(conn, id)
end

send(conn, "Q-DB-T-1", { "<support@example.com>" },
    hdrs_from("bob@acme.example", "PIN 482913 please"),
    "my PIN is 482913\r\n")
tempfailed("Q-DB-T-1")
mt.disconnect(conn)

-- a new connection, a stranger with a forged tag: the same
conn = connect()
send(conn, "Q-DB-T-2", { "<support@example.com>" },
    hdrs_from("eve@else.example", "hi", { { "X-Support-Auth", "authenticated" } }),
    "hello\r\n")
tempfailed("Q-DB-T-2")
mt.disconnect(conn)
