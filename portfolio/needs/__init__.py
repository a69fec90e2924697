"""Behovsanalys: the needs analysis of an initiative."""
