"""The similarity index's job and session hook, registered when the app is put together
(`portfolio.app._connect_features` imports this module)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from portfolio.ideas import index
from portfolio.jobs.engine import job

REBUILD = "similar.rebuild"


@job(REBUILD, label=_l("Liknande initiativ: bygg om indexet"), retries=2, timeout=1800)
def rebuild_index() -> dict[str, Any]:
    """A full rebuild (new inverse document frequencies), stored for every process. Idempotent."""
    return index.rebuild()


# Saved initiatives, needs analyses and ideas reach the index of the process that saved them at
# once (the others find them by their `updated_at`; see portfolio.ideas.index).
index.install_hooks()
