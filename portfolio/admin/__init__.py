"""Administration of accounts: the list of users, ending a user's sessions, reset links."""
