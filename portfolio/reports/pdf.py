"""The yearly report as PDF: WeasyPrint renders the print HTML; plotly figures become vector SVG.
The kinds of chart the app's own plugins make are drawn in Python (portfolio.reports.svgchart,
no browser: fast); only a figure it cannot draw goes to a kaleido session that drives the system
Chromium with the app's own plotly.js (no network), started only when such a figure exists.
Without WeasyPrint's system libraries the PDF is refused with a clear message (so is a figure
that needs kaleido when there is no Chromium) and the HTML report keeps working.

The PDF is PDF/A-2a (archivable; level A means tagged: a structure tree, Unicode text, figures
with their text alternatives) and carries the PDF/UA-1 identification too, with the document's
title, language, author and subject from the HTML's <title>, lang and <meta> elements. Table
header rows repeat on every page (WeasyPrint repeats <thead>)."""

from __future__ import annotations

import asyncio
import base64
import html as html_lib
import os
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from importlib.resources import files
from typing import Any
from xml.etree import ElementTree

from portfolio.reports import svgchart

PDF_VARIANT = "pdf/a-2a"
PDFUA_NS = "http://www.aiim.org/pdfua/ns/id/"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
KALEIDO_TABS = 1        # a tab more costs more to start than it saves (measured)
FIGURE_WIDTH = 900      # px: the SVG's width (the print page scales it to the column)

Progress = Callable[..., None]


class PdfUnavailable(RuntimeError):
    pass


def chromium_path() -> str | None:
    for candidate in (os.environ.get("PORTFOLIO_CHROMIUM"), shutil.which("chromium"),
                      shutil.which("chromium-browser"), "/usr/bin/chromium"):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def weasyprint_problem() -> str | None:
    """Why WeasyPrint cannot run here (not installed, its system libraries missing), or None."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        return str(exc)
    return None


def check_available() -> None:
    """What every PDF needs: WeasyPrint. (Chromium only for a figure svgchart cannot draw: see
    check_kaleido_available.)"""
    problem = weasyprint_problem()
    if problem is not None:
        raise PdfUnavailable(f"PDF kan inte skapas: {problem}. HTML-rapporten fungerar som vanligt.")


def check_kaleido_available() -> None:
    """What a figure that svgchart cannot draw needs: Chromium and kaleido."""
    if chromium_path() is None:
        raise PdfUnavailable("PDF kan inte skapas: ingen Chromium finns på servern (installera "
                             "Debian-paketet chromium). HTML-rapporten fungerar som vanligt.")
    try:
        import kaleido  # noqa: F401
    except (ImportError, OSError) as exc:
        raise PdfUnavailable(f"PDF kan inte skapas: {exc}. HTML-rapporten fungerar som vanligt.") from exc


def figures_to_svg(figures: list[dict], alts: list[str] | None = None,
                   progress: Progress | None = None) -> list[str]:
    """SVG data URIs for the figures, each carrying its text alternative as <title> (and the
    <img> its alt). svgchart draws what it can; the rest are rendered in one kaleido session."""
    if not figures:
        return []
    alts = alts or []
    total = len(figures) + 1
    svgs: list[bytes | None] = []
    for n, fig in enumerate(figures):
        drawn = svgchart.render(fig, width=FIGURE_WIDTH, title_alt=alts[n] if n < len(alts) else None)
        svgs.append(None if drawn is None else drawn.encode("utf-8"))
    missing = [n for n, svg in enumerate(svgs) if svg is None]
    if progress is not None:
        progress(done=len(figures) - len(missing), total=total)
    if missing:
        check_kaleido_available()
        images = _kaleido_svgs([figures[n] for n in missing], progress, len(figures) - len(missing), total)
        for n, image in zip(missing, images, strict=True):
            svgs[n] = _with_title(image, alts[n]) if n < len(alts) else image
    return ["data:image/svg+xml;base64," + base64.b64encode(svg or b"").decode("ascii") for svg in svgs]


def _kaleido_svgs(figures: list[dict], progress: Progress | None, done_before: int, total: int) -> list[bytes]:
    """The figures as SVG from plotly itself, in one kaleido session (Chromium)."""
    import kaleido

    chrome = chromium_path()
    if chrome and not os.environ.get("BROWSER_PATH"):
        os.environ["BROWSER_PATH"] = chrome
    plotly_js = str(files("plotly") / "package_data" / "plotly.min.js")
    done = [done_before]

    async def render() -> list[bytes]:
        async with kaleido.Kaleido(n=min(KALEIDO_TABS, len(figures)), mathjax=False,
                                   plotlyjs=plotly_js) as session:
            async def one(fig: dict) -> bytes:
                svg = await session.calc_fig(fig, opts={
                    "format": "svg", "width": FIGURE_WIDTH,
                    "height": fig.get("layout", {}).get("height", svgchart.DEFAULT_HEIGHT)})
                done[0] += 1
                if progress is not None:
                    progress(done=done[0], total=total)
                return svg
            return list(await asyncio.gather(*(one(fig) for fig in figures)))

    # A thread of its own: the caller may already run an event loop (an async server, tests).
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, render()).result()


def _with_title(svg: bytes, title: str) -> bytes:
    """The SVG with a <title> (its text alternative) as the first child of the root element."""
    text = svg.decode("utf-8")
    end = text.find(">", text.find("<svg"))
    if end < 0:
        return svg
    return (text[:end + 1] + f"<title>{html_lib.escape(title)}</title>" + text[end + 1:]).encode("utf-8")


def fill_figures(source: dict[str, Any], progress: Progress | None = None) -> str:
    """The print HTML with every chart placeholder replaced by its SVG."""
    from portfolio.reports.ks import FIGURE_SRC

    html = str(source["html"])
    svgs = figures_to_svg(list(source.get("figures") or []), list(source.get("alts") or []), progress)
    for n, uri in enumerate(svgs):
        html = html.replace(f'src="{FIGURE_SRC}{n}"', f'src="{uri}"', 1)
    return html


def html_to_pdf(html: str) -> bytes:
    """PDF/A-2a with the PDF/UA-1 identification added to its XMP metadata."""
    import weasyprint

    document = weasyprint.HTML(string=html).render(pdf_variant=PDF_VARIANT, pdf_tags=True)
    metadata = document.metadata
    original = getattr(metadata, "generate_rdf_metadata", None)
    if original is not None:
        def with_pdfua(variant, version, conformance):
            return _add_pdfua(original(variant, version, conformance))
        metadata.generate_rdf_metadata = with_pdfua
    return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)


def _add_pdfua(rdf: bytes) -> bytes:
    """Add pdfuaid:part="1" to the RDF's first description (beside pdfaid:part)."""
    ElementTree.register_namespace("pdfuaid", PDFUA_NS)
    ElementTree.register_namespace("rdf", RDF_NS)
    root = ElementTree.fromstring(rdf)
    description = root.find(f"{{{RDF_NS}}}Description")
    if description is None:
        return rdf
    description.set(f"{{{PDFUA_NS}}}part", "1")
    return ElementTree.tostring(root, encoding="utf-8")


def pdf_from_source(source: dict[str, Any], progress: Progress | None = None) -> bytes:
    html = fill_figures(source, progress)
    if progress is not None:
        total = len(source.get("figures") or []) + 1
        progress(done=total - 1, total=total, stage=2)
    return html_to_pdf(html)
