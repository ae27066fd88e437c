-- Scope: mail for no support address is accepted at end of headers
-- (no body, no EOM, hence no edit possible), even with a PIN and forged
-- tags; a support address as the second or last recipient puts the
-- message in scope.
dofile(common)
if plib == nil then mt.echo("SKIP: run by tests/milter/pipeline.sh") return end
dofile(plib)
conn = connect()

function out_of_scope(id, rcpts)
	envelope(conn, id, "<bob@acme.example>", rcpts)
	for _, h in ipairs(hdrs_from("bob@acme.example", "PIN 482913 " .. id, {
	    { "X-Support-Auth", "authenticated" },
	    { "Authentication-Results", "mx.example.com; x-pin=pass" } })) do
		step(mt.header(conn, h[1], h[2]), id .. ": header " .. h[1])
	end
	step(mt.eoh(conn), id .. ": EOH")
	reply_is(conn, SMFIR_ACCEPT, id .. " at EOH")
end

out_of_scope("Q-SCOPE-OUT-1", { "<other@example.org>" })
out_of_scope("Q-SCOPE-OUT-2", { "<other@example.org>", "<support@example.org>",
    "<support@example.com.evil>" })

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
