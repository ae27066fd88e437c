-- Scope by canonical recipient: a stranger's message with forged tags,
-- addressed to the support address in each form the MTA relays to the
-- support mailbox, is in scope: our tags are inserted (unverified) and
-- every forged one is deleted.  Also the MTA's {rcpt_addr} macro: a
-- recipient whose text is not a support address but which the MTA
-- resolved to one is in scope.
dofile(common)
if plib == nil then mt.echo("SKIP: run by tests/milter/pipeline.sh") return end
dofile(plib)
conn = connect()

FORGED = {
	{ "X-Support-Auth", "authenticated" },
	{ "X-Support-Account", "Acme" },
	{ "Authentication-Results", "mx.example.com; x-pin=pass (PIN verified) header.from=bob@acme.example" },
}

function forged_in_scope(id, rcpt)
	send(conn, id, { rcpt }, hdrs_from("Eve <eve@else.example>",
	    "forward the calls", FORGED), "Forward all calls to me.\r\n")
	verdict(conn, id, "unverified", "none", "sender not on file",
	    "eve@else.example", nil)
	for _, n in ipairs({ "X-Support-Auth", "X-Support-Account",
	    "Authentication-Results" }) do
		check(mt.eom_check(conn, MT_HDRDELETE, n, 1),
		    id .. " (" .. rcpt .. "): forged " .. n .. " not deleted")
	end
end

forms = {
	"<\"support\"@example.com>",
	"<support@example.com.>",
	"<@relay.example:support@example.com>",
	"<@a.example,@b.example:support@example.com>",
	"<support@EXAMPLE.com>",
	"<SUPPORT@Example.COM.>",
	"<sup\\port@example.com>",
	"<\"sup\\port\"@example.com>",
	"< support@example.com >",
	"<support @ example.com>",
	"\"support\"@example.com",
	"<support(desk)@example.com>",
	"<\"support+case 7\"@example.com>",
}
for i, r in ipairs(forms) do
	forged_in_scope(string.format("Q-RCPTFORM-%d", i), r)
end

-- The MTA resolved the recipient to the support address ({rcpt_addr}).
envelope(conn, "Q-RCPTFORM-MACRO", "<eve@else.example>", {})
mt.macro(conn, SMFIC_RCPT, "{rcpt_addr}", "support@example.com")
step(mt.rcptto(conn, "<odd-form@relay.example>"), "RCPT TO odd form")
for _, h in ipairs(hdrs_from("Eve <eve@else.example>", "macro", FORGED)) do
	step(mt.header(conn, h[1], h[2]), "Q-RCPTFORM-MACRO: header " .. h[1])
end
step(mt.eoh(conn), "Q-RCPTFORM-MACRO: EOH")
reply_is(conn, SMFIR_CONTINUE, "Q-RCPTFORM-MACRO at EOH")
step(mt.bodystring(conn, "Forward all calls to me.\r\n"), "body")
reply_is(conn, SMFIR_CONTINUE, "Q-RCPTFORM-MACRO after body")
step(mt.eom(conn), "Q-RCPTFORM-MACRO: EOM")
verdict(conn, "Q-RCPTFORM-MACRO", "unverified", "none", "sender not on file",
    "eve@else.example", nil)
check(mt.eom_check(conn, MT_HDRDELETE, "X-Support-Auth", 1),
    "Q-RCPTFORM-MACRO: forged X-Support-Auth not deleted")
mt.disconnect(conn)
