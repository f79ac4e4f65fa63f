"""Morgue's read path: the Flask app (search page, article page, saved searches, RSS, JSON API).

Built like Flask's tutorial app: :func:`create_app` reads every setting from ``config.py`` (which
tests override with ``test_config``), and each concern is one blueprint.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

import config
from web import errors, security, templating, timing
from web.context import close_saved
from web.routing import ArticleIdConverter
from web.secret import load_secret_key


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(
        DATA_DIR=config.DATA_DIR,
        SECRET_KEY=config.SECRET_KEY,
        ADMIN_TOKEN=config.ADMIN_TOKEN,
        MAX_QUERY_LENGTH=config.MAX_QUERY_LENGTH,
        RESULTS_PER_PAGE=config.RESULTS_PER_PAGE,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        MAX_CONTENT_LENGTH=64 * 1024,
        JSON_SORT_KEYS=False,
    )
    if test_config:
        app.config.from_mapping(test_config)
    app.config["DATA_DIR"] = Path(app.config["DATA_DIR"]).resolve()
    app.config["DATA_DIR"].mkdir(parents=True, exist_ok=True)
    app.secret_key = load_secret_key(app.config["DATA_DIR"], app.config["SECRET_KEY"])
    app.json.sort_keys = False
    app.url_map.converters["article_id"] = ArticleIdConverter

    from web import api, articles, feeds, saved, search

    for module in (search, articles, saved, feeds, api):
        app.register_blueprint(module.bp)
    app.teardown_appcontext(close_saved)
    timing.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    return app
