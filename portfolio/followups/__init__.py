"""Uppföljning: benefit measurements, periodic follow-ups, evaluations and the to-do list."""
