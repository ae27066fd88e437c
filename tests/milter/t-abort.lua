-- Aborted messages (RSET, client gone) free their context; the next
-- message on the connection starts clean.
dofile(common)
conn = connect()
envelope(conn, "Q-AB-1", "<customer@example.org>", { "<support@example.com>" })
step(mt.abort(conn), "abort after RCPT")
expect_accept_at_eoh(conn, "Q-AB-2", { "<sales@example.com>" })

envelope(conn, "Q-AB-3", "<customer@example.org>", { "<support@example.com>" })
headers(conn, "customer@example.org", "Q-AB-3")
step(mt.eoh(conn), "EOH")
reply_is(conn, SMFIR_CONTINUE, "Q-AB-3 at EOH")
step(mt.abort(conn), "abort after EOH")
-- the aborted support message must not leak its scope into this one
expect_accept_at_eoh(conn, "Q-AB-4", { "<sales@example.com>" })
expect_pipeline(conn, "Q-AB-5", { "<support@example.com>" })
-- a connection closed in the middle of a message
conn2 = connect()
envelope(conn2, "Q-AB-6", "<customer@example.org>", { "<support@example.com>" })
mt.disconnect(conn2, false)
mt.disconnect(conn)
