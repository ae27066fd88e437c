-- Negotiation: the steps pinmilter skips, the replies it does not send,
-- and the actions it asks for up front (Postfix grants them only here).
dofile(common)
conn = connect()
step(mt.negotiate(conn, nil, nil, nil), "negotiate")

for name, bit in pairs({ NOCONNECT = SMFIP_NOCONNECT, NOHELO = SMFIP_NOHELO,
    NOUNKNOWN = SMFIP_NOUNKNOWN, NODATA = SMFIP_NODATA,
    NR_MAIL = SMFIP_NR_MAIL, NR_RCPT = SMFIP_NR_RCPT,
    NR_HDR = SMFIP_NR_HDR }) do
	check(mt.test_option(conn, bit), "step option " .. name .. " not requested")
end
-- EOH must reply (ACCEPT ends out-of-scope mail); body replies stay on for
-- SMFIS_SKIP; headers, body and recipients are needed.
for name, bit in pairs({ NR_EOH = SMFIP_NR_EOH, NR_BODY = SMFIP_NR_BODY,
    NOHDRS = SMFIP_NOHDRS, NOBODY = SMFIP_NOBODY, NOEOH = SMFIP_NOEOH,
    NORCPT = SMFIP_NORCPT, NOMAIL = SMFIP_NOMAIL }) do
	check(not mt.test_option(conn, bit), "step option " .. name .. " requested")
end
for name, bit in pairs({ ADDHDRS = SMFIF_ADDHDRS, CHGHDRS = SMFIF_CHGHDRS,
    CHGBODY = SMFIF_CHGBODY }) do
	check(mt.test_action(conn, bit), "action " .. name .. " not requested")
end
for name, bit in pairs({ ADDRCPT = SMFIF_ADDRCPT, DELRCPT = SMFIF_DELRCPT,
    QUARANTINE = SMFIF_QUARANTINE, CHGFROM = SMFIF_CHGFROM }) do
	check(not mt.test_action(conn, bit), "action " .. name .. " requested")
end
mt.disconnect(conn)
