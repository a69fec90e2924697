"""A link to the place where a missing requirement is fulfilled (declared with the register, which
shows it on the initiative's page; kept here for the pages that import it from the basis)."""

from portfolio.initiatives.requirement_links import requirement_url

__all__ = ["requirement_url"]
