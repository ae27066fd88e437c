-- Scope: mail for no support address is accepted at end of headers
-- (no body, no EOM), even with a PIN, unless it carries one of our
-- fields: then it goes on to end of message, where exactly those fields
-- are deleted and nothing else is changed (the second wall).  A support
-- address as the second or last recipient puts the message in scope.
dofile(common)
if plib == nil then mt.echo("SKIP: run by tests/milter/pipeline.sh") return end
dofile(plib)
conn = connect()

-- out of scope, carrying forged tags (and a foreign Authentication-Results
-- that must stay): only our fields deleted, from the highest index down
function out_of_scope(id, rcpts)
	envelope(conn, id, "<bob@acme.example>", rcpts)
	for _, h in ipairs(hdrs_from("bob@acme.example", "PIN 482913 " .. id, {
	    { "X-Support-Auth", "authenticated" },
	    { "Authentication-Results", "relay.example.net; spf=pass" },
	    { "X-Support-Account", "Acme" },
	    { "Authentication-Results", "MX.example.com; x-pin=pass" },
	    { "x-support-auth", "authenticated" } })) do
		step(mt.header(conn, h[1], h[2]), id .. ": header " .. h[1])
	end
	step(mt.eoh(conn), id .. ": EOH")
	reply_is(conn, SMFIR_CONTINUE, id .. " at EOH")
	step(mt.bodystring(conn, "My PIN is 482913.\r\n"), id .. ": body")
	reply_is(conn, SMFIR_CONTINUE, id .. " after body")
	step(mt.eom(conn), id .. ": EOM")
	reply_is(conn, SMFIR_CONTINUE, id .. " at EOM")
	check(mt.eom_check(conn, MT_HDRDELETE, "X-Support-Auth", 2),
	    id .. ": X-Support-Auth #2 not deleted")
	check(mt.eom_check(conn, MT_HDRDELETE, "X-Support-Auth", 1),
	    id .. ": X-Support-Auth #1 not deleted")
	check(mt.eom_check(conn, MT_HDRDELETE, "X-Support-Account", 1),
	    id .. ": X-Support-Account not deleted")
	check(mt.eom_check(conn, MT_HDRDELETE, "Authentication-Results", 2),
	    id .. ": our Authentication-Results (#2) not deleted")
	check(not mt.eom_check(conn, MT_HDRDELETE, "Authentication-Results", 1),
	    id .. ": the foreign Authentication-Results (#1) deleted")
	check(not mt.eom_check(conn, MT_HDRINSERT), id .. ": a field inserted")
	check(not mt.eom_check(conn, MT_HDRADD), id .. ": a field added")
	for _, n in ipairs({ "From", "To", "Subject", "Message-ID" }) do
		check(not mt.eom_check(conn, MT_HDRCHANGE, n),
		    id .. ": " .. n .. " changed")
	end
	check(not mt.eom_check(conn, MT_BODYCHANGE), id .. ": body replaced")
end

-- out of scope without our fields (a foreign one only): ACCEPT at EOH
function out_of_scope_clean(id, rcpts)
	envelope(conn, id, "<bob@acme.example>", rcpts)
	for _, h in ipairs(hdrs_from("bob@acme.example", "PIN 482913 " .. id, {
	    { "Authentication-Results", "relay.example.net; spf=pass" },
	    { "X-Supportish", "no" } })) do
		step(mt.header(conn, h[1], h[2]), id .. ": header " .. h[1])
	end
	step(mt.eoh(conn), id .. ": EOH")
	reply_is(conn, SMFIR_ACCEPT, id .. " at EOH")
end

out_of_scope("Q-SCOPE-OUT-1", { "<other@example.org>" })
out_of_scope("Q-SCOPE-OUT-2", { "<other@example.org>", "<support@example.org>",
    "<support@example.com.evil>", "<\"support \"@example.com>" })
out_of_scope_clean("Q-SCOPE-OUT-4", { "<other@example.org>" })

-- support second
send(conn, "Q-SCOPE-IN-1", { "<other@example.org>", "<support@example.com>" },
    hdrs_from("bob@acme.example", "copy to my colleague"),
    "My PIN is 482913.\r\n")
verdict(conn, "Q-SCOPE-IN-1", "authenticated", "pass", "PIN verified", BOB, "Acme")
body_is(conn, "Q-SCOPE-IN-1", "My PIN is [PIN redacted].\r\n")

-- support last of several, in another case
rcpts = {}
for i = 1, 20 do
	rcpts[i] = string.format("<user%d@example.net>", i)
end
rcpts[21] = "<SUPPORT@Example.COM>"
send(conn, "Q-SCOPE-IN-2", rcpts, hdrs_from("bob@acme.example", "many"),
    "PIN 482913\r\n")
verdict(conn, "Q-SCOPE-IN-2", "authenticated", "pass", "PIN verified", BOB, "Acme")
body_is(conn, "Q-SCOPE-IN-2", "PIN [PIN redacted]\r\n")

-- out of scope right after in scope, same connection: context reset
out_of_scope("Q-SCOPE-OUT-3", { "<sales@example.com>" })
mt.disconnect(conn)
