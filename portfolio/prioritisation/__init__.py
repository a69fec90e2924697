"""Portföljstyrning: criteria sets, scoring, the ranked portfolio and the decision log."""
