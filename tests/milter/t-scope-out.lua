-- No support address among the recipients: ACCEPT at end of headers,
-- twice on one connection (the context must be reset in between).
dofile(common)
conn = connect()
expect_accept_at_eoh(conn, "Q-OUT-1", { "<sales@example.com>" })
expect_accept_at_eoh(conn, "Q-OUT-2",
    { "<support@example.org>", "<supportx@example.com>",
      "<xsupport@example.com>", "<support@example.com.evil>" })
mt.disconnect(conn)
