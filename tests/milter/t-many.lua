-- Many recipients, the support address last; several connections open
-- at once (one libmilter thread each), messages interleaved.
dofile(common)
rcpts = {}
for i = 1, 200 do
	rcpts[i] = string.format("<user%d@example.net>", i)
end
expect_accept_at_eoh(connect(), "Q-MANY-1", rcpts)
rcpts[201] = "<support@example.com>"
a = connect()
b = connect()
c = connect()
expect_pipeline(a, "Q-MANY-2", rcpts)
expect_accept_at_eoh(b, "Q-MANY-3", { "<sales@example.com>" })
envelope(c, "Q-MANY-4", "<customer@example.org>", { "<support@example.com>" })
expect_pipeline(b, "Q-MANY-5", { "<x@example.org>", "<support@example.com>" })
headers(c, "customer@example.org", "Q-MANY-4")
step(mt.eoh(c), "EOH")
reply_is(c, SMFIR_CONTINUE, "Q-MANY-4 at EOH")
step(mt.eom(c), "EOM")
reply_is(c, SMFIR_CONTINUE, "Q-MANY-4 at EOM")
mt.disconnect(a)
mt.disconnect(b)
mt.disconnect(c)
