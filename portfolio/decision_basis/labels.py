"""What each requirement asks for, and where it is fulfilled (kept here for the packages that
read them from the decision basis; declared once in `portfolio.labels` and
`portfolio.initiatives.requirement_links`)."""

from portfolio.initiatives.requirement_links import REQUIREMENT_PLACES
from portfolio.labels import REQUIREMENT_LABELS

__all__ = ["REQUIREMENT_LABELS", "REQUIREMENT_PLACES"]
