-- A support address anywhere among the recipients puts the message in
-- scope: it goes on to EOM and through the pipeline.
-- The second-recipient case is the one accepting at RCPT would miss.
dofile(common)
conn = connect()
expect_pipeline(conn, "Q-IN-1", { "<support@example.com>" })
expect_pipeline(conn, "Q-IN-2",
    { "<sales@example.com>", "<support@example.com>" })
expect_pipeline(conn, "Q-IN-3", { "<Support@EXAMPLE.com>" })
expect_pipeline(conn, "Q-IN-4",
    { "<other@example.net>", "<support+case-100042@example.com>" })
-- and out of scope again right after, on the same connection
expect_accept_at_eoh(conn, "Q-OUT-3", { "<sales@example.com>" })
mt.disconnect(conn)
