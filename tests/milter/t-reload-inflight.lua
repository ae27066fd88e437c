-- A message in flight across a reload finishes with the configuration it
-- started with; the next one gets the new one.
-- Run by tests/e2e/reload.sh with -D pid=PID -D conf=FILE -D log=FILE:
-- the message's envelope (to help@example.com, the running
-- SupportAddress), header and EOH go first; then AuthservID becomes
-- mx2.example.com in FILE (whose SupportAddress is support@example.com)
-- and PID gets SIGHUP; once LOG says
-- "reloaded", the body and EOM follow: its Authentication-Results still
-- names mx.example.com.  A second message then names mx2.example.com.
dofile(common)

local function reloads()
	local f = io.open(log, "r")
	local n = 0
	if f == nil then
		return 0
	end
	for line in f:lines() do
		if string.find(line, "pinmilter: reloaded ", 1, true) then
			n = n + 1
		end
	end
	f:close()
	return n
end

local function authserv(conn, id)
	local v = mt.getheader(conn, "Authentication-Results", 0)
	check(v ~= nil, id .. ": no Authentication-Results inserted")
	return string.match(v, "^([^;]*);")
end

conn = connect()
envelope(conn, "Q-RL-1", "<customer@example.org>", { "<help@example.com>" })
headers(conn, "customer@example.org", "Q-RL-1")
step(mt.eoh(conn), "EOH")
reply_is(conn, SMFIR_CONTINUE, "Q-RL-1 at EOH")

local before = reloads()
os.execute(string.format(
    "sed -i 's/^AuthservID.*/AuthservID\tmx2.example.com/' '%s' && kill -HUP %s",
    conf, pid))
local waited = 0
while reloads() == before and waited < 100 do
	os.execute("sleep 0.1")
	waited = waited + 1
end
check(reloads() > before, "no reload logged after SIGHUP")

step(mt.bodystring(conn, "Hello,\r\nplease call me back.\r\n"), "body")
reply_is(conn, SMFIR_CONTINUE, "Q-RL-1 after body")
step(mt.eom(conn), "EOM")
reply_is(conn, SMFIR_CONTINUE, "Q-RL-1 at EOM")
local a = authserv(conn, "Q-RL-1")
check(a == "mx.example.com",
    "in flight: Authentication-Results of " .. tostring(a) ..
    ", want mx.example.com (the configuration it started with)")

envelope(conn, "Q-RL-2", "<customer@example.org>", { "<support@example.com>" })
headers(conn, "customer@example.org", "Q-RL-2")
step(mt.eoh(conn), "EOH 2")
reply_is(conn, SMFIR_CONTINUE, "Q-RL-2 at EOH")
step(mt.bodystring(conn, "Hello again.\r\n"), "body 2")
reply_is(conn, SMFIR_CONTINUE, "Q-RL-2 after body")
step(mt.eom(conn), "EOM 2")
reply_is(conn, SMFIR_CONTINUE, "Q-RL-2 at EOM")
a = authserv(conn, "Q-RL-2")
check(a == "mx2.example.com",
    "next message: Authentication-Results of " .. tostring(a) ..
    ", want mx2.example.com (the new configuration)")
mt.disconnect(conn)
