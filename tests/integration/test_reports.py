"""The yearly KS report: HTML in the app, a stand-alone file, and PDF."""

from __future__ import annotations

from portfolio.reports import pdf


def test_report_page_and_standalone_file(client, login_as, app, tmp_path):
    login_as("viewer")
    html = client.get("/reports/ks/2026").data.decode()
    assert "Revisionens åtta frågor" in html and "Nyckeltal jämfört med 2025" in html
    for number in range(1, 9):
        assert f"{number}. " in html
    standalone = client.get("/reports/ks/2026/download")
    assert standalone.headers["Content-Disposition"].startswith("attachment")
    body = standalone.data.decode()
    assert "<script src=" not in body and "<link rel=\"stylesheet\"" not in body   # nothing fetched
    assert "Plotly" in body and ".data-table" in body
    assert client.get("/reports/ks/1999").status_code == 404
    out = tmp_path / "ks.html"
    result = app.test_cli_runner().invoke(args=["report", "ks", "--year", "2026", "--out", str(out)])
    assert result.exit_code == 0 and out.read_text(encoding="utf-8").startswith("<!doctype html>")


def test_pdf_without_weasyprint_says_so_and_html_still_works(client, login_as, monkeypatch):
    monkeypatch.setattr(pdf, "weasyprint_problem", lambda: "WeasyPrint saknas")
    login_as("viewer")
    response = client.get("/reports/ks/2026/pdf")
    assert response.status_code == 503 and "PDF kan inte skapas: WeasyPrint saknas" in response.data.decode()
    assert client.get("/reports/ks/2026").status_code == 200


def test_pdf_with_svg_charts(client, login_as, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "FILES_DIR", str(tmp_path / "files"))
    login_as("viewer")
    response = client.get("/reports/ks/2026/pdf")       # a background job (here: at once)
    assert response.status_code == 303, response.data[:500]
    status = client.get(response.headers["Location"] + "/status").get_json()
    assert status["finished"] and not status["failed"], status
    response = client.get(status["file_url"])
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
