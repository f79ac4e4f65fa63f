"""Saved searches (``/saved``): save the current search, list, rename, delete.

Every form post carries a CSRF token (see web.security). Deleting needs the search's secret
delete key (shown once, in the delete link, and remembered in the creator's own session) or the
admin token.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from web.context import get_saved, request_search, search_url

bp = Blueprint("saved", __name__, url_prefix="/saved")

# Delete keys a browser remembers for the searches it saved.
REMEMBERED_KEYS = 50


def _remember(saved_id: int, key: str) -> None:
    keys = dict(session.get("delete_keys", {}))
    keys[str(saved_id)] = key
    session["delete_keys"] = dict(list(keys.items())[-REMEMBERED_KEYS:])


def _remembered(saved_id: int) -> str:
    return session.get("delete_keys", {}).get(str(saved_id), "")


def _forget(saved_id: int) -> None:
    keys = dict(session.get("delete_keys", {}))
    if keys.pop(str(saved_id), None) is not None:
        session["delete_keys"] = keys


@bp.get("")
def index():
    searches = get_saved().list()
    owned = {s.id for s in searches if _remembered(s.id)}
    return render_template(
        "saved.html",
        searches=searches,
        owned=owned,
        created=session.pop("created", None),
        search_url=lambda s: search_url(s.search_query()),
    )


@bp.post("")
def create():
    query = request_search(request.form)
    saved = get_saved().create(request.form.get("name", ""), query)
    _remember(saved.id, saved.delete_key)
    delete_link = url_for(
        "saved.confirm_delete", saved_id=saved.id, key=saved.delete_key, _external=True
    )
    flash(f"Saved “{saved.name}”.", "success")
    session["created"] = {"id": saved.id, "delete_link": delete_link}
    return redirect(url_for("saved.index"), code=303)


@bp.post("/<int:saved_id>/rename")
def rename(saved_id: int):
    saved = get_saved().rename(saved_id, request.form.get("name", ""))
    flash(f"Renamed to “{saved.name}”.", "success")
    return redirect(url_for("saved.index"), code=303)


@bp.get("/<int:saved_id>/delete")
def confirm_delete(saved_id: int):
    saved = get_saved().get(saved_id)
    key = request.args.get("key", "") or _remembered(saved_id)
    return render_template("saved_delete.html", saved=saved, key=key)


@bp.post("/<int:saved_id>/delete")
def delete(saved_id: int):
    key = request.form.get("key", "") or _remembered(saved_id)
    store = get_saved()
    name = store.get(saved_id).name
    store.delete(saved_id, key, admin_token=current_app.config["ADMIN_TOKEN"])
    _forget(saved_id)
    flash(f"Deleted “{name}”.", "success")
    return redirect(url_for("saved.index"), code=303)
