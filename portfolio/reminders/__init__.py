"""Reminders: digests of what is due, sent by e-mail on the job queue."""
