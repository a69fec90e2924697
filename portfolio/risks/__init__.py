"""Riskanalys: the risk register of an initiative."""
