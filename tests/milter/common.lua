-- tests/milter/common.lua - helpers for the t-*.lua protocol scripts.
--
-- Run as: miltertest -D socket=unix:/path -D common=/path/common.lua -s t-x.lua
-- Each script starts with dofile(common).  Any failed expectation calls
-- die(), which prints "FAIL: ..." and makes miltertest exit 1.
--
-- pinmilter negotiates SMFIP_NOCONNECT and SMFIP_NOHELO: never call
-- mt.conninfo or mt.helo (miltertest skips those steps itself).
--
-- miltertest exits 1 on error() without printing the message, so every
-- failure goes through die(), which prints it first.

function die(what)
	mt.echo("FAIL: " .. what)
	error(what, 3)
end

function check(cond, what)
	if not cond then
		die(what)
	end
end

-- step(rc, what): an mt.* call returns nil on success, a string on error.
function step(rc, what)
	if rc ~= nil then
		die(what .. ": " .. tostring(rc))
	end
end

function reply_is(conn, want, what)
	local got = mt.getreply(conn)
	if got ~= want then
		die(string.format("%s: reply '%s', want '%s'", what,
		    string.char(math.tointeger(got) or 63),
		    string.char(math.tointeger(want))))
	end
end

function connect()
	local conn = mt.connect(socket, 50, 0.1)
	check(conn ~= nil, "cannot connect to " .. socket)
	return conn
end

-- envelope(conn, queue id, sender, { recipients... })
function envelope(conn, id, from, rcpts)
	mt.macro(conn, SMFIC_MAIL, "i", id)
	step(mt.mailfrom(conn, from), "MAIL FROM " .. from)
	for _, r in ipairs(rcpts) do
		step(mt.rcptto(conn, r), "RCPT TO " .. r)
	end
end

function headers(conn, from, subject)
	step(mt.header(conn, "From", from), "header From")
	step(mt.header(conn, "To", "support@example.com"), "header To")
	step(mt.header(conn, "Subject", subject), "header Subject")
	step(mt.header(conn, "Message-ID", "<" .. subject .. "@example.org>"),
	    "header Message-ID")
end

-- A whole message that must be accepted at end of headers.
function expect_accept_at_eoh(conn, id, rcpts)
	envelope(conn, id, "<customer@example.org>", rcpts)
	headers(conn, "customer@example.org", id)
	step(mt.eoh(conn), "EOH")
	reply_is(conn, SMFIR_ACCEPT, id .. " at EOH")
end

-- A whole in-scope message: it goes on to end of message and reaches the
-- pipeline, whose mark is the X-Support-Auth header it inserts (the
-- sender is not on file: "unverified").  The body has no PIN: unchanged.
-- (Recipient edits are impossible: t-negotiate.lua checks the actions.)
function expect_pipeline(conn, id, rcpts)
	envelope(conn, id, "<customer@example.org>", rcpts)
	headers(conn, "customer@example.org", id)
	step(mt.eoh(conn), "EOH")
	reply_is(conn, SMFIR_CONTINUE, id .. " at EOH")
	step(mt.bodystring(conn, "Hello,\r\nplease call me back.\r\n"), "body")
	reply_is(conn, SMFIR_CONTINUE, id .. " after body")
	step(mt.eom(conn), "EOM")
	reply_is(conn, SMFIR_CONTINUE, id .. " at EOM")
	check(mt.eom_check(conn, MT_HDRINSERT, "X-Support-Auth", "unverified"),
	    id .. ": no X-Support-Auth: unverified (not processed?)")
	check(not mt.eom_check(conn, MT_BODYCHANGE), id .. ": the body was changed")
end
