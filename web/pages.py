"""HTML pages."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

bp = Blueprint("pages", __name__)


@bp.get("/")
def home() -> str:
    query = request.args.get("q", "").strip()
    results = current_app.extensions["glossary"].lookup(query) if query else []
    return render_template("home.html", query=query, results=results)
