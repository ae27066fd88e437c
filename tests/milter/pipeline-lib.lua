-- tests/milter/pipeline-lib.lua - helpers for the t-pipeline-*.lua scripts.
--
-- tests/milter/pipeline.sh runs them as
--   miltertest -D socket=... -D common=common.lua -D plib=pipeline-lib.lua -s t-pipeline-x.lua
-- against a pinmilter whose database holds account Acme with user
-- bob@acme.example (PIN 482913); SupportAddress support@example.com,
-- AuthservID mx.example.com.
--
-- miltertest keeps what the filter asked for at EOM; eom_check only says
-- whether a request matching the given fields exists.  What we rely on:
--   MT_HDRINSERT name value index  smfi_insheader(ctx, index, name, value)
--   MT_HDRDELETE name index        smfi_chgheader(ctx, name, index, NULL)
--   MT_HDRCHANGE name value        smfi_chgheader with that new value
--                                  (its index argument is unusable in
--                                  miltertest 1.6: it reads the wrong slot)
--   MT_BODYCHANGE body             one smfi_replacebody chunk equal to body
--   mt.getheader(conn, name, n)    n-th (0-based) added/inserted NAME
-- Keep bodies that pinmilter replaces under 1 KB: miltertest reads every
-- EOM reply into a 1024-byte buffer.

AUTHSERV = "mx.example.com"
BOB = "bob@acme.example"
PIN = "482913"

-- The Authentication-Results value pinmilter inserts.
function ar_value(pin, reason, from)
	local v = AUTHSERV .. ";\n\tx-pin=" .. pin .. " (" .. reason .. ")"
	if from ~= nil then
		v = v .. "\n\theader.from=" .. from
	end
	return v
end

-- send(conn, id, rcpts, hdrs, body): one message up to EOM, in scope
-- (CONTINUE at EOH and after the body).  hdrs: { { name, value }, ... }
function send(conn, id, rcpts, hdrs, body)
	envelope(conn, id, "<sender@client.test>", rcpts)
	for _, h in ipairs(hdrs) do
		step(mt.header(conn, h[1], h[2]), id .. ": header " .. h[1])
	end
	step(mt.eoh(conn), id .. ": EOH")
	reply_is(conn, SMFIR_CONTINUE, id .. " at EOH")
	step(mt.bodystring(conn, body), id .. ": body")
	reply_is(conn, SMFIR_CONTINUE, id .. " after body")
	step(mt.eom(conn), id .. ": EOM")
end

-- The standard headers of a message from FROM with SUBJECT.
MSGNO = 0
function hdrs_from(from, subject, extra)
	MSGNO = MSGNO + 1
	local h = {
		{ "From", from },
		{ "To", "Support <support@example.com>" },
		{ "Subject", subject },
		{ "Message-ID", string.format("<msg-%s@client.test>", string.rep("x", MSGNO)) },
	}
	for _, x in ipairs(extra or {}) do
		table.insert(h, x)
	end
	return h
end

-- inserted_once(conn, id, name, value): exactly one NAME inserted, at the
-- top (index 0), with exactly VALUE.
function inserted_once(conn, id, name, value)
	local got = mt.getheader(conn, name, 0)
	if got ~= value then
		die(string.format("%s: %s inserted as '%s', want '%s'", id, name,
		    tostring(got), value))
	end
	check(mt.eom_check(conn, MT_HDRINSERT, name, value, 0),
	    id .. ": " .. name .. " not inserted at index 0")
	check(mt.getheader(conn, name, 1) == nil,
	    id .. ": " .. name .. " inserted more than once")
end

-- verdict(conn, id, auth, pin, reason, from, account): the reply at EOM is
-- CONTINUE and the tags are exactly these; ACCOUNT nil: no
-- X-Support-Account.  Every message that reached a verdict has a case:
-- one X-Support-Case with its number, kept in CASE for subject_is.
-- Nothing is ever appended at the bottom.
function verdict(conn, id, auth, pin, reason, from, account)
	tags(conn, id, auth, pin, reason, from, account)
	CASE = mt.getheader(conn, "X-Support-Case", 0)
	check(CASE ~= nil and string.find(CASE, "^[1-9][0-9]*$") ~= nil,
	    id .. ": X-Support-Case '" .. tostring(CASE) .. "'")
	inserted_once(conn, id, "X-Support-Case", CASE)
	return CASE
end

-- tags(): verdict() without a case (an internal error opens none).
function tags(conn, id, auth, pin, reason, from, account)
	reply_is(conn, SMFIR_CONTINUE, id .. " at EOM")
	inserted_once(conn, id, "X-Support-Auth", auth)
	inserted_once(conn, id, "Authentication-Results", ar_value(pin, reason, from))
	if account ~= nil then
		inserted_once(conn, id, "X-Support-Account", account)
	else
		check(not mt.eom_check(conn, MT_HDRINSERT, "X-Support-Account"),
		    id .. ": X-Support-Account inserted for an unknown sender")
	end
	check(not mt.eom_check(conn, MT_HDRADD), id .. ": a header was appended")
	check(not mt.eom_check(conn, MT_RCPTADD, "<support@example.com>"),
	    id .. ": a recipient was added")
end

-- body_is(conn, id, want): the body was replaced by exactly WANT,
-- and the replacement holds no PIN.
function body_is(conn, id, want)
	check(not string.find(want, PIN, 1, true), id .. ": bad test, PIN in WANT")
	if not mt.eom_check(conn, MT_BODYCHANGE, want) then
		if mt.eom_check(conn, MT_BODYCHANGE) then
			die(id .. ": body replaced, but not by: " .. want)
		end
		die(id .. ": body not replaced")
	end
end

function body_kept(conn, id)
	check(not mt.eom_check(conn, MT_BODYCHANGE), id .. ": body replaced")
end

-- subject_is(conn, id, want): the Subject became "[Case #N] WANT", N
-- the case verdict() saw (WANT: the subject as sent, PIN redacted).
function subject_is(conn, id, want)
	local tagged = "[Case #" .. CASE .. "] " .. want
	check(mt.eom_check(conn, MT_HDRCHANGE, "Subject", tagged),
	    id .. ": Subject not changed to '" .. tagged .. "'")
end

-- no_changes(conn, id): no header field deleted, none but the Subject
-- (case tag) changed.
function no_changes(conn, id)
	check(not mt.eom_check(conn, MT_HDRDELETE), id .. ": a header was deleted")
	for _, n in ipairs({ "From", "To", "Message-ID", "X-Support-Auth",
	    "Authentication-Results", "X-Support-Case", "X-Support-Account" }) do
		check(not mt.eom_check(conn, MT_HDRCHANGE, n),
		    id .. ": " .. n .. " changed")
	end
end
