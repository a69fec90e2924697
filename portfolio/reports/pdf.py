"""The yearly report as PDF: WeasyPrint renders the HTML; plotly figures become SVG through one
kaleido session that drives the system Chromium with the app's own plotly.js (no network).
Without Chromium (or WeasyPrint's system libraries) the PDF is refused with a clear message and
the HTML report keeps working."""

from __future__ import annotations

import asyncio
import base64
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from importlib.resources import files


class PdfUnavailable(RuntimeError):
    pass


def chromium_path() -> str | None:
    for candidate in (os.environ.get("PORTFOLIO_CHROMIUM"), shutil.which("chromium"),
                      shutil.which("chromium-browser"), "/usr/bin/chromium"):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def check_available() -> None:
    if chromium_path() is None:
        raise PdfUnavailable("PDF kan inte skapas: ingen Chromium finns på servern (installera "
                             "Debian-paketet chromium). HTML-rapporten fungerar som vanligt.")
    try:
        import kaleido  # noqa: F401
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        raise PdfUnavailable(f"PDF kan inte skapas: {exc}. HTML-rapporten fungerar som vanligt.") from exc


def figures_to_svg(figures: list[dict]) -> list[str]:
    """SVG data URIs for the figures, from one reused kaleido session."""
    import kaleido

    chrome = chromium_path()
    if chrome and not os.environ.get("BROWSER_PATH"):
        os.environ["BROWSER_PATH"] = chrome
    plotly_js = str(files("plotly") / "package_data" / "plotly.min.js")

    async def render() -> list[bytes]:
        async with kaleido.Kaleido(n=1, mathjax=False, plotlyjs=plotly_js) as session:
            return [await session.calc_fig(fig, opts={"format": "svg", "width": 900,
                                                      "height": fig.get("layout", {}).get("height", 420)})
                    for fig in figures]

    # A thread of its own: the caller may already run an event loop (an async server, tests).
    with ThreadPoolExecutor(max_workers=1) as pool:
        images = pool.submit(asyncio.run, render()).result()
    return ["data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii") for svg in images]


def html_to_pdf(html: str) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=html).write_pdf()
