"""Beslutsunderlag as a whole: requirements, completeness, phase gates, decision document."""
