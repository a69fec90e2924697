"""The start page: what waits for the signed-in user, one section per role they hold."""
