"""The user's own password: change it (and end other sessions), set it from a reset link."""

from __future__ import annotations
