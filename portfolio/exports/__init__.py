"""Exports: the register and the follow-up data as CSV and Excel, and open data as JSON."""
