"""Audits (revisionsgranskningar), their recommendations and each committee's response."""
