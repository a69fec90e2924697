"""A test that calls a service directly is that service's caller, and callers own the
transaction: such a call runs in `transaction()` (committed when it returns, rolled back when it
raises), as a request, a CLI command or a job would. Calls made by the application itself (a
view, another service, the CLI) are left alone, so a caller in the app that forgot its
transaction still fails its test.

Installed once, before any test module imports the services (see tests/conftest.py)."""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
import sys

from flask import has_app_context

import portfolio

SERVICE_MODULE_NAMES = ("services", "service", "tokens")
CALLER_OWNED = ("portfolio.demo.loader",)     # writes through services, like a service


def _service_modules():
    for info in pkgutil.walk_packages(portfolio.__path__, "portfolio."):
        if info.name.rsplit(".", 1)[-1] in SERVICE_MODULE_NAMES or info.name in CALLER_OWNED:
            yield importlib.import_module(info.name)


def _as_caller(fn):
    @functools.wraps(fn)
    def call(*args, **kwargs):
        caller = sys._getframe(1).f_globals.get("__name__", "")
        if not caller.startswith("tests.") or not has_app_context():
            return fn(*args, **kwargs)
        from portfolio.transactions import transaction

        with transaction():
            return fn(*args, **kwargs)
    call.__wrapped_service__ = True
    return call


def install() -> None:
    for module in _service_modules():
        for name, fn in list(vars(module).items()):
            if (inspect.isfunction(fn) and fn.__module__ == module.__name__
                    and not name.startswith("_") and not getattr(fn, "__wrapped_service__", False)):
                setattr(module, name, _as_caller(fn))
