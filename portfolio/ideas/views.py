"""Thin views for ideas, triage and similar initiatives: parse → one service or query → render
or redirect."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.auth import permissions
from portfolio.ideas import queries, services, similar
from portfolio.ideas.forms import (
    AcceptForm,
    DeclineForm,
    IdeaForm,
    MarkForm,
    MergeForm,
    QuestionForm,
    ScoreForm,
)
from portfolio.ideas.models import ACTION_LABELS, FIELD_LABELS, IdeaStatus, MarkKind
from portfolio.transactions import transaction
from portfolio.validation import ServiceValidationError
from portfolio.viewkit import login_required_for, run_form, safe_next

bp = Blueprint("ideas", __name__, template_folder="templates")
login_required_for(bp)

TEXT_MAX = 12000      # characters of a text the suggestions endpoint reads


@bp.app_template_global("similar_initiatives_of")
def similar_initiatives_of(ini):
    """The initiative page's "Liknande initiativ" (a template global, so the register does not
    import this package)."""
    return similar.for_initiative(ini)


@bp.app_template_global("similar_suggestions_for")
def similar_suggestions_for(title: str | None, text: str | None, exclude_id: int | None = None):
    """Suggestions for a form posted without JavaScript (the initiative form's refused save)."""
    return similar.for_text(f"{title or ''}\n{text or ''}",
                            exclude_key=f"initiative:{exclude_id}" if exclude_id else None)


@bp.app_template_global("ideas_of_initiative")
def ideas_of_initiative(initiative_id: int):
    return queries.ideas_of_initiative(initiative_id)


def _load(idea_id: int):
    idea = queries.get_idea(idea_id)
    if idea is None or not queries.can_see(current_user, idea):
        abort(404)
    return idea


def _office() -> None:
    permissions.require(current_user.is_office)


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = IdeaForm().setup(current_user)
    if request.form.get("action") == "preview":   # without JavaScript: the suggestions, nothing saved
        return _render_form(form, None, preview=True)
    return run_form(form, lambda: services.submit_idea(form.to_input(), current_user),
                    success=_("Tack! Idén är skickad till projektkontoret."),
                    redirect_to=lambda idea: url_for(".detail", idea_id=idea.id),
                    render=lambda status: _render_form(form, None, status=status),
                    check=lambda: services.validate_input(form.to_input()))


@bp.route("/<int:idea_id>/edit", methods=["GET", "POST"])
def edit(idea_id: int):
    idea = _load(idea_id)
    permissions.require(services.can_edit(current_user, idea))
    form = IdeaForm(obj=idea, unit=idea.unit_id, version=idea.version).setup()
    if request.form.get("action") == "preview":
        return _render_form(form, idea, preview=True)
    return run_form(form, lambda: services.update_idea(idea, form.to_input(), current_user,
                                                       expected_version=form.version.data),
                    success=_("Idén är sparad."), redirect_to=lambda saved: url_for(".detail", idea_id=saved.id),
                    render=lambda status: _render_form(form, idea, status=status),
                    check=lambda: services.validate_input(form.to_input()))


def _render_form(form: IdeaForm, idea, *, status: int = 200, preview: bool = False):
    suggestions = None
    if preview or form.is_submitted():
        data = form.to_input()
        suggestions = similar.for_text(f"{data.title}\n{data.need}\n{data.who}\n{data.today}\n{data.benefit}")
    return render_template("ideas/form.html", form=form, idea=idea, suggestions=suggestions,
                           preview=preview), status


@bp.route("/mine")
def mine():
    return render_template("ideas/mine.html", ideas=queries.my_ideas(current_user))


@bp.route("/")
def index():
    """The office's triage list; for everyone else their own ideas."""
    if not current_user.is_office:
        return mine()
    status = request.args.get("status", "oppna")
    status = status if status in queries.STATUS_FILTERS else "oppna"
    unit_id = request.args.get("unit", type=int)
    ideas = queries.triage_list(status, unit_id)
    return render_template("ideas/index.html", ideas=ideas, status=status, unit_id=unit_id,
                           units=queries.units(), statuses=IdeaStatus.choices(),
                           matrix=queries.matrix([i for i in ideas if i.is_open]))


@bp.route("/<int:idea_id>")
def detail(idea_id: int):
    return render_detail(_load(idea_id))


def render_detail(idea, *, status: int = 200, **forms):
    office = current_user.is_office
    suggestions = similar.for_idea(idea) if office or services.can_edit(current_user, idea) else []
    context = {"idea": idea, "suggestions": suggestions, "office": office,
               "can_edit": services.can_edit(current_user, idea), "statuses": IdeaStatus}
    if office:
        version = idea.version
        context |= {
            "score_form": forms.get("score_form") or ScoreForm(
                need_score=str(idea.need_score or ""), feasibility_score=str(idea.feasibility_score or ""),
                version=version),
            "accept_form": (forms.get("accept_form") or AcceptForm(version=version)).setup(idea),
            "merge_form": (forms.get("merge_form") or MergeForm(version=version)).setup(
                suggestions, queries.open_initiatives()),
            "question_form": forms.get("question_form") or QuestionForm(version=version),
            "decline_form": forms.get("decline_form") or DeclineForm(version=version),
            "mark_form": MarkForm(),
            "history": queries.history(idea.id), "field_labels": FIELD_LABELS, "action_labels": ACTION_LABELS,
        }
    return render_template("ideas/detail.html", **context), status


def _triage(idea_id: int, form, action, success: str, slot: str):
    _office()
    idea = _load(idea_id)
    if not form.is_submitted():
        return redirect(url_for(".detail", idea_id=idea_id))
    return run_form(form, lambda: action(idea, form), success=success,
                    redirect_to=lambda _saved: url_for(".detail", idea_id=idea_id),
                    render=lambda status: render_detail(_load(idea_id), status=status, **{slot: form}))


@bp.route("/<int:idea_id>/score", methods=["GET", "POST"])
def score(idea_id: int):
    return _triage(idea_id, ScoreForm(), lambda idea, f: services.score_idea(
        idea, f.as_int(f.need_score.data), f.as_int(f.feasibility_score.data), current_user,
        expected_version=f.version.data), _("Bedömningen är sparad."), "score_form")


@bp.route("/<int:idea_id>/accept", methods=["GET", "POST"])
def accept(idea_id: int):
    form = AcceptForm()
    idea = queries.get_idea(idea_id)
    if idea is not None:
        form.setup(idea)
    return _triage(idea_id, form, lambda idea, f: services.accept_idea(
        idea, current_user, expected_version=f.version.data, phase=f.phase.data,
        owning_unit_id=f.owning_unit.data, primary_area_id=f.primary_area.data),
        _("Idén är accepterad och har blivit ett initiativ."), "accept_form")


@bp.route("/<int:idea_id>/merge", methods=["GET", "POST"])
def merge(idea_id: int):
    form = MergeForm()
    form.initiative.choices = None     # any initiative; the service checks it
    form.initiative.validate_choice = False
    return _triage(idea_id, form, lambda idea, f: services.merge_idea(
        idea, f.initiative.data, current_user, expected_version=f.version.data, message=f.message.data),
        _("Idén är sammanslagen med initiativet."), "merge_form")


@bp.route("/<int:idea_id>/ask", methods=["GET", "POST"])
def ask(idea_id: int):
    return _triage(idea_id, QuestionForm(), lambda idea, f: services.ask_for_information(
        idea, f.question.data, current_user, expected_version=f.version.data),
        _("Frågan är skickad till den som lämnade idén."), "question_form")


@bp.route("/<int:idea_id>/decline", methods=["GET", "POST"])
def decline(idea_id: int):
    return _triage(idea_id, DeclineForm(), lambda idea, f: services.decline_idea(
        idea, f.reason.data, current_user, expected_version=f.version.data),
        _("Idén är avslagen. Den som lämnade den ser skälet."), "decline_form")


@bp.route("/similar/mark", methods=["POST"])
def mark():
    _office()
    form = MarkForm()
    back = safe_next(form.next.data, url_for(".index"))
    if not form.validate():
        abort(400)
    try:
        with transaction():
            if form.kind.data == "ta_bort":
                services.unmark_pair(form.key_a.data or "", form.key_b.data or "", current_user)
            else:
                services.mark_pair(form.key_a.data or "", form.key_b.data or "", form.kind.data or "",
                                   current_user)
    except ServiceValidationError:
        abort(400)
    flash({MarkKind.NOT_SIMILAR.value: _("Paret är markerat som inte liknande och visas inte längre."),
           MarkKind.RELATED.value: _("Initiativen är länkade som relaterade.")}.get(
        form.kind.data or "", _("Markeringen är borttagen.")), "success")
    return redirect(back)


@bp.route("/similar.json")
def similar_json():
    """Suggestions while writing (the form's script): initiatives similar to the title and
    text typed so far. Only what the register shows every logged-in user."""
    title = (request.args.get("title") or "")[:TEXT_MAX]
    text = (request.args.get("text") or "")[:TEXT_MAX]
    exclude = request.args.get("exclude", type=int)
    if len(title.strip()) < 3 or len(text.strip()) < 10:
        return jsonify(items=[], ready=False)
    items = similar.for_text(f"{title}\n{text}",
                             exclude_key=f"initiative:{exclude}" if exclude else None)
    return jsonify(ready=True, items=[
        {"ref": s.ref, "title": s.title, "committee": s.committee, "unit": s.unit,
         "phase": s.phase_label, "score": s.percent,
         "url": url_for("initiatives.detail", initiative_id=s.id)} for s in items])
