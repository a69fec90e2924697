"""`portfolio similar rebuild [--background]`: rebuild the similarity index."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from portfolio.extensions import db
from portfolio.ideas import index
from portfolio.ideas.jobs import REBUILD
from portfolio.jobs.engine import jobs
from portfolio.jobs.models import DONE, FAILED

similar_group = AppGroup("similar", help="Liknande initiativ och idéer (likhetsindexet).")


@similar_group.command("rebuild")
@click.option("--background", is_flag=True,
              help="Lägg ombyggnaden som ett bakgrundsjobb (en `portfolio worker` kör det när Redis används).")
def rebuild_command(background: bool) -> None:
    """Bygg om likhetsindexet från alla initiativ och idéer."""
    if not background:
        result = index.rebuild()
        db.session.rollback()
        click.echo(f"Klart: {result['documents']} dokument på {result['seconds']:.2f} s.")
        return
    record = jobs().enqueue(REBUILD, dedupe_key=None)
    db.session.expire_all()
    record = db.session.get(type(record), record.id) or record
    if record.status == DONE:
        click.echo(f"Klart: {(record.result or {}).get('documents', 0)} dokument.")
    elif record.status == FAILED:
        click.echo(f"Misslyckades: {record.error}", err=True)
        sys.exit(1)
    else:
        click.echo(f"Lagt i kön som jobb {record.id}; `portfolio worker` kör det.")


COMMANDS: tuple = (similar_group,)
