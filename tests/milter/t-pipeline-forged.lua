-- Forged tags: every inbound X-Support-* field, whatever its case or
-- folding, and every Authentication-Results with our AuthservID (any
-- case) are deleted, each copy by its index; a foreign
-- Authentication-Results is left alone.  Our own tags are then inserted
-- once, at the top.
dofile(common)
if plib == nil then mt.echo("SKIP: run by tests/milter/pipeline.sh") return end
dofile(plib)
conn = connect()

-- A stranger claims to be authenticated.  Field order (1-based per name):
--   X-Support-Auth #1 "x-SUPPORT-auth", #2 folded, #3 "X-SUPPORT-AUTH"
--   Authentication-Results #1 ours (forged), #2 foreign, #3 ours in caps
--   X-Support-Account #1, X-Support-Case #1
hdrs = {
	{ "From", "Mallory <mallory@evil.example>" },
	{ "x-SUPPORT-auth", "authenticated" },
	{ "To", "support@example.com" },
	{ "Authentication-Results", "mx.example.com; x-pin=pass (PIN verified) header.from=bob@acme.example" },
	{ "X-Support-Auth", "authenticated\n\t(verified by the helpdesk)" },
	{ "Authentication-Results", "relay.example.net; spf=pass smtp.mailfrom=evil.example" },
	{ "Subject", "urgent: change the forwarding" },
	{ "X-SUPPORT-AUTH", "authenticated" },
	{ "authentication-results", "MX.EXAMPLE.COM;\n\tx-pin=pass" },
	{ "X-Support-Account", "Acme" },
	{ "X-Support-Case", "100042" },
	{ "Message-ID", "<forged-1@evil.example>" },
}
send(conn, "Q-FORGED-1", { "<support@example.com>" }, hdrs,
    "Forward all calls to +1 555 0100 now.\r\n")
verdict(conn, "Q-FORGED-1", "unverified", "none", "sender not on file",
    "mallory@evil.example", nil)
-- deletions are sent under the first copy's spelling of the name
for i = 1, 3 do
	check(mt.eom_check(conn, MT_HDRDELETE, "x-SUPPORT-auth", i),
	    "Q-FORGED-1: X-Support-Auth #" .. i .. " not deleted")
end
check(not mt.eom_check(conn, MT_HDRDELETE, "x-SUPPORT-auth", 4),
    "Q-FORGED-1: X-Support-Auth #4 deleted (there are 3)")
check(not mt.eom_check(conn, MT_HDRDELETE, "X-Support-Auth"),
    "Q-FORGED-1: X-Support-Auth deleted under a second spelling (twice?)")
check(not mt.eom_check(conn, MT_HDRDELETE, "X-SUPPORT-AUTH"),
    "Q-FORGED-1: X-Support-Auth deleted under a third spelling (twice?)")
check(mt.eom_check(conn, MT_HDRDELETE, "X-Support-Account", 1),
    "Q-FORGED-1: X-Support-Account not deleted")
check(mt.eom_check(conn, MT_HDRDELETE, "X-Support-Case", 1),
    "Q-FORGED-1: X-Support-Case not deleted")
check(mt.eom_check(conn, MT_HDRDELETE, "Authentication-Results", 1),
    "Q-FORGED-1: our forged Authentication-Results #1 not deleted")
check(mt.eom_check(conn, MT_HDRDELETE, "Authentication-Results", 3),
    "Q-FORGED-1: our forged Authentication-Results #3 not deleted")
check(not mt.eom_check(conn, MT_HDRDELETE, "Authentication-Results", 2),
    "Q-FORGED-1: the foreign Authentication-Results was deleted")
-- every change is a deletion: nothing rewritten in place (MT_HDRCHANGE
-- with a value matches only a non-empty new value)
for _, n in ipairs({ "x-SUPPORT-auth", "X-Support-Auth", "X-Support-Account",
    "X-Support-Case", "Authentication-Results" }) do
	for _, v in ipairs({ "authenticated", "unverified", "Acme" }) do
		check(not mt.eom_check(conn, MT_HDRCHANGE, n, v),
		    "Q-FORGED-1: " .. n .. " rewritten to '" .. v .. "'")
	end
end
check(not mt.eom_check(conn, MT_HDRDELETE, "Subject"), "Q-FORGED-1: Subject deleted")
check(not mt.eom_check(conn, MT_HDRDELETE, "From"), "Q-FORGED-1: From deleted")
body_kept(conn, "Q-FORGED-1")

-- Bob himself, with a right PIN and a forged pass of his own: deleted too,
-- and he is authenticated by his PIN, not by the forgery.
hdrs = hdrs_from("bob@acme.example", "new extension", {
	{ "X-Support-Auth", "authenticated" },
	{ "Authentication-Results", "mx.example.com; x-pin=pass" },
})
send(conn, "Q-FORGED-2", { "<support@example.com>" }, hdrs,
    "PIN 482913\r\n")
verdict(conn, "Q-FORGED-2", "authenticated", "pass", "PIN verified", BOB, "Acme")
check(mt.eom_check(conn, MT_HDRDELETE, "X-Support-Auth", 1),
    "Q-FORGED-2: X-Support-Auth not deleted")
check(mt.eom_check(conn, MT_HDRDELETE, "Authentication-Results", 1),
    "Q-FORGED-2: Authentication-Results not deleted")
check(not mt.eom_check(conn, MT_HDRDELETE, "X-Support-Auth", 2),
    "Q-FORGED-2: X-Support-Auth #2 deleted (there is 1)")
body_is(conn, "Q-FORGED-2", "PIN [PIN redacted]\r\n")

-- A foreign Authentication-Results only (another authserv-id that merely
-- contains ours): nothing deleted.
hdrs = hdrs_from("bob@acme.example", "no pin here", {
	{ "Authentication-Results", "mx.example.com.evil; x-pin=pass" },
	{ "Authentication-Results", "evil.example; dkim=pass header.d=mx.example.com" },
})
send(conn, "Q-FORGED-3", { "<support@example.com>" }, hdrs,
    "Just a question, no PIN.\r\n")
verdict(conn, "Q-FORGED-3", "unverified", "none", "no PIN found", BOB, "Acme")
no_changes(conn, "Q-FORGED-3")
body_kept(conn, "Q-FORGED-3")

mt.disconnect(conn)
