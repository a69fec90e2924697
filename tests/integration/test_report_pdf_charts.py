"""The yearly report's charts in the PDF: every figure the app's own plugins make for the report is
drawn by svgchart, so the PDF needs no browser for them (kaleido is never started)."""

from __future__ import annotations

import base64
from xml.etree import ElementTree

import pytest

from portfolio.reports import pdf, svgchart
from portfolio.reports.ks import collect, print_source

YEAR = 2025
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def source(app, demo_data):
    with app.test_request_context():
        return print_source(collect(YEAR))


def test_every_report_figure_is_drawn_without_a_browser(source):
    figures, alts = source["figures"], source["alts"]
    kinds = {trace.get("type") for figure in figures for trace in figure["data"]}
    assert len(figures) >= 15 and {"bar", "scatter", "heatmap"} <= kinds     # the demo report's charts
    for figure, alt in zip(figures, alts, strict=True):
        svg = svgchart.render(figure, title_alt=alt)
        assert svg is not None, (figure.get("layout") or {}).get("title")
        root = ElementTree.fromstring(svg)
        assert root.get("role") == "img" and root.find(f"{SVG}title").text == alt


def test_figures_to_svg_does_not_start_kaleido(source, monkeypatch):
    import kaleido

    def no_browser(*args, **kwargs):
        raise AssertionError("kaleido started")

    monkeypatch.setattr(kaleido, "Kaleido", no_browser)
    monkeypatch.setattr(pdf, "chromium_path", lambda: None)      # no Chromium needed either
    pdf.check_available()
    uris = pdf.figures_to_svg(source["figures"], source["alts"])
    assert len(uris) == len(source["figures"])
    for uri, alt in zip(uris, source["alts"], strict=True):
        assert uri.startswith("data:image/svg+xml;base64,")
        root = ElementTree.fromstring(base64.b64decode(uri.split(",", 1)[1]))
        assert root.find(f"{SVG}title").text == alt
    html = pdf.fill_figures(source)
    assert "report-figure:" not in html


def test_a_figure_svgchart_cannot_draw_goes_to_kaleido(monkeypatch):
    calls = []

    def fake_kaleido(figures, progress, done_before, total):
        calls.append(figures)
        return [b'<svg xmlns="http://www.w3.org/2000/svg"></svg>' for _ in figures]

    monkeypatch.setattr(pdf, "_kaleido_svgs", fake_kaleido)
    monkeypatch.setattr(pdf, "chromium_path", lambda: "/usr/bin/chromium")
    bar = {"data": [{"type": "bar", "x": ["A"], "y": [1]}], "layout": {}}
    pie = {"data": [{"type": "pie", "labels": ["A"], "values": [1]}], "layout": {}}
    uris = pdf.figures_to_svg([bar, pie], ["Stapel", "Paj"])
    assert calls == [[pie]]
    pie_svg = base64.b64decode(uris[1].split(",", 1)[1]).decode()
    assert "<title>Paj</title>" in pie_svg
    monkeypatch.setattr(pdf, "chromium_path", lambda: None)
    with pytest.raises(pdf.PdfUnavailable, match="ingen Chromium"):
        pdf.figures_to_svg([pie], ["Paj"])


def test_the_pdf_needs_weasyprint_but_not_chromium(client, login_as, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "FILES_DIR", str(tmp_path / "files"))
    login_as("viewer")
    monkeypatch.setattr(pdf, "weasyprint_problem", lambda: "WeasyPrint saknas")
    response = client.get(f"/reports/ks/{YEAR}/pdf")
    assert response.status_code == 503 and "WeasyPrint saknas" in response.get_data(as_text=True)
    monkeypatch.undo()
    monkeypatch.setitem(app.config, "FILES_DIR", str(tmp_path / "files"))
    monkeypatch.setattr(pdf, "chromium_path", lambda: None)
    response = client.get(f"/reports/ks/{YEAR}/pdf")       # a background job (here: at once)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    status = client.get(response.headers["Location"] + "/status").get_json()
    assert status["finished"] and not status["failed"], status
    assert client.get(status["file_url"]).data.startswith(b"%PDF")
