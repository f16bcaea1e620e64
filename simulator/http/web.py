"""Pages that are not the API: interactive docs built from openapi.yaml, and the web
front end's claim page, where a claim token opens its project in a browser."""

from __future__ import annotations

import html
from pathlib import Path

import swagger_ui
from fastapi import FastAPI, Request
from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

SWAGGER_STATIC = Path(swagger_ui.__file__).resolve().parent / "static"

DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>NemoVideo API (simulator)</title>
<link rel="stylesheet" href="/docs/static/swagger-ui.css"></head>
<body><div id="docs"></div>
<script src="/docs/static/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({url: "/openapi.yaml", dom_id: "#docs", deepLinking: true});</script>
</body></html>"""

CLAIM_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1><p>{text}</p></body></html>"""


def install_pages(app: FastAPI) -> None:
    app.mount("/docs/static", StaticFiles(directory=SWAGGER_STATIC), name="docs-static")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(DOCS_PAGE)

    @app.get("/workspace/claim", include_in_schema=False)
    async def claim(request: Request, ct: str = "") -> HTMLResponse:
        world = request.app.state.world
        found = world.accounts.redeem_claim(ct)
        if found is None:
            page = CLAIM_PAGE.format(title="Link expired", text="This claim link is unknown or has expired.")
            return HTMLResponse(page, status_code=404)
        text = f"Project {html.escape(found.task_id)}, session {html.escape(found.session_id)}, is yours to edit."
        return HTMLResponse(CLAIM_PAGE.format(title="Your NemoVideo project", text=text))
