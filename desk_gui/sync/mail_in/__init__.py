"""Mail in: IMAP mailboxes to tickets, exactly once."""
