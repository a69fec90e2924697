from __future__ import annotations

from flask import Blueprint, Response, abort, render_template

from portfolio.clock import today
from portfolio.reports.ks import build_pdf, build_report
from portfolio.reports.pdf import PdfUnavailable
from portfolio.viewkit import login_required_for

bp = Blueprint("reports", __name__, template_folder="templates")


login_required_for(bp)


@bp.route("/ks/<int:year>")
def ks(year: int):
    if not 2000 <= year <= today().year:
        abort(404)
    return build_report(year, standalone=False)


@bp.route("/ks/<int:year>/download")
def ks_download(year: int):
    if not 2000 <= year <= today().year:
        abort(404)
    html = build_report(year, standalone=True)
    return Response(html, mimetype="text/html", headers={
        "Content-Disposition": f'attachment; filename="arsuppfoljning-ks-{year}.html"'})


@bp.route("/ks/<int:year>/pdf")
def ks_pdf(year: int):
    if not 2000 <= year <= today().year:
        abort(404)
    try:
        pdf = build_pdf(year)
    except PdfUnavailable as exc:
        return render_template("errors/error.html", code=503, title="PDF är inte tillgänglig",
                               text=str(exc)), 503
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="arsuppfoljning-ks-{year}.pdf"'})
