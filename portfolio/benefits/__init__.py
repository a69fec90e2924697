"""Nyttokalkyl and the benefit register: each benefit line of a case is a register entry."""
