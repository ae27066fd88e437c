-- A failure before end of headers (more recipients than pinmilter
-- records, MILTER_MAX_RCPTS = 10000): the header was not held whole, so
-- the forged tags in it cannot be removed.  The answer at EOH is TEMPFAIL
-- whatever OnInternalError says (tests/milter/pipeline.sh runs this with
-- OnInternalError accept), never ACCEPT; the next message on the same
-- connection is processed normally.
dofile(common)
conn = connect()
mt.macro(conn, SMFIC_MAIL, "i", "Q-EOH-FAIL-1")
step(mt.mailfrom(conn, "<eve@else.example>"), "MAIL FROM")
step(mt.rcptto(conn, "<support@example.com>"), "RCPT TO support")
for i = 1, 10000 do
	step(mt.rcptto(conn, string.format("<u%d@example.net>", i)), "RCPT " .. i)
end
step(mt.header(conn, "From", "eve@else.example"), "header From")
step(mt.header(conn, "X-Support-Auth", "authenticated"), "header X-Support-Auth")
step(mt.header(conn, "Authentication-Results",
    "mx.example.com; x-pin=pass"), "header Authentication-Results")
step(mt.eoh(conn), "EOH")
-- 451 4.3.0 through smfi_setreply: a reply code ('y'), not 'a' (ACCEPT);
-- miltertest keeps the text of such a reply only at EOM
reply_is(conn, SMFIR_REPLYCODE, "Q-EOH-FAIL-1 at EOH")

expect_pipeline(conn, "Q-EOH-FAIL-2", { "<support@example.com>" })
mt.disconnect(conn)
