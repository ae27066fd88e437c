-- VerifiedRecipient set: the recipient actions are asked for up front
-- (and only then: t-negotiate.lua checks the default), and a message whose
-- envelope names the hidden address, in any spelling, is refused at EOH.
dofile(common)
conn = connect()
step(mt.negotiate(conn, nil, nil, nil), "negotiate")
for name, bit in pairs({ ADDHDRS = SMFIF_ADDHDRS, CHGHDRS = SMFIF_CHGHDRS,
    CHGBODY = SMFIF_CHGBODY, ADDRCPT = SMFIF_ADDRCPT,
    DELRCPT = SMFIF_DELRCPT }) do
	check(mt.test_action(conn, bit), "action " .. name .. " not requested")
end
for name, bit in pairs({ QUARANTINE = SMFIF_QUARANTINE,
    CHGFROM = SMFIF_CHGFROM }) do
	check(not mt.test_action(conn, bit), "action " .. name .. " requested")
end
for i, rcpts in ipairs({ { "<verified@example.com>" },
    { "<support@example.com>", "<Verified@EXAMPLE.com.>" },
    { "<\"verified+x\"@example.com>" },
    { "<@relay.example:verified@example.com>" } }) do
	local id = "Q-ROUTE-" .. i
	envelope(conn, id, "<mallory@evil.example>", rcpts)
	headers(conn, "mallory@evil.example", id)
	step(mt.eoh(conn), id .. " EOH")
	reply_is(conn, SMFIR_REPLYCODE, id .. " at EOH")
end
mt.disconnect(conn)
