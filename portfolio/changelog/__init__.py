"""The change log: who changed what, when, old → new. Every service writes through it."""
