"""The initiative register."""
