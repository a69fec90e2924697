"""The API's Blueprint: flask-smorest's, with a request parser that answers hostile bodies with
a 4xx instead of an exception (deep nesting, 5 000-digit numbers, non-JSON bodies)."""

from __future__ import annotations

import flask_smorest
from flask_babel import gettext as _
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from portfolio.api.errors import api_abort


class SafeParser(FlaskParser):
    def _raw_load_json(self, req):
        if not is_json_request(req):
            if req.get_data(cache=True):
                api_abort(415)
            return core.missing
        try:
            return core.parse_json(req.get_data(cache=True))
        except (RecursionError, ValueError) as exc:
            # json.JSONDecodeError is a ValueError too; so are numbers over Python's digit limit.
            api_abort(400, _("Kroppen är inte giltig JSON (eller är för djupt nästlad)."),
                      errors={"json": {"_schema": [str(type(exc).__name__)]}})


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = SafeParser()
