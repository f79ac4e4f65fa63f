"""Error pages: one clear message, the right status, never a stack trace.

Pages under ``/api/`` answer in JSON (``{"error": ..., "status": ...}``); the others get an HTML
page with a search box to carry on from.
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from archive.errors import MorgueError, NotFound
from archive.saved import WrongDeleteKey

log = logging.getLogger(__name__)

TITLES = {400: "Bad request", 403: "Not allowed", 404: "Not found", 405: "Method not allowed"}


def _answer(status: int, message: str):
    if request.path.startswith("/api/"):
        return jsonify({"error": message, "status": status}), status
    title = TITLES.get(status, "Something went wrong")
    return render_template("error.html", status=status, title=title, message=message), status


def _http_error(error: HTTPException):
    message = error.description or TITLES.get(error.code or 500, "Something went wrong.")
    if error.code == 404 and "requested URL was not found" in message:
        message = "There is no page at this address."
    return _answer(error.code or 500, message)


def _morgue_error(error: MorgueError):
    if isinstance(error, NotFound):
        return _answer(404, str(error))
    if isinstance(error, WrongDeleteKey):
        return _answer(403, str(error))
    return _answer(400, str(error))  # bad parameters, names, queries: the user can fix them


def _unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return _http_error(error)
    log.exception("Unexpected error on %s", request.path)
    return _answer(
        500, "Morgue hit an unexpected problem; it has been logged. Please try again later."
    )


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(MorgueError, _morgue_error)
    app.register_error_handler(InternalServerError, _unexpected)
    app.register_error_handler(Exception, _unexpected)
