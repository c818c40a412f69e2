"""The lookup site and JSON API: a thin Flask shell over the glossary library."""

from __future__ import annotations

from typing import Any

from flask import Flask

import glossary


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app. Settings come from defaults, then ``GLOSSARY_*`` environment variables,
    then ``test_config``."""
    app = Flask(__name__)
    app.config.from_mapping(DATABASE_URL=None, MAX_CONTENT_LENGTH=1024 * 1024)
    app.config.from_prefixed_env("GLOSSARY")
    if test_config:
        app.config.update(test_config)
    app.extensions["glossary"] = glossary.open(app.config["DATABASE_URL"])

    from . import pages

    app.register_blueprint(pages.bp)
    return app
