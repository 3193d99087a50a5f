"""The API's viewers, Swagger UI at /api/docs and ReDoc at /api/redoc, with their scripts served from
installed packages (swagger-ui-bundle, fastapi-offline): they work with no network beyond this server."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
import swagger_ui_bundle
from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

OPENAPI_URL = "/api/openapi.json"
DOCS_URL = "/api/docs"
REDOC_URL = "/api/redoc"
OAUTH2_REDIRECT_URL = f"{DOCS_URL}/oauth2-redirect"
SWAGGER_ASSETS = f"{DOCS_URL}/assets"
REDOC_ASSETS = f"{REDOC_URL}/assets"
SWAGGER_FOLDER = Path(str(swagger_ui_bundle.swagger_ui_path))
REDOC_FOLDER = Path(fastapi_offline.__file__).parent / "static"

router = APIRouter(include_in_schema=False)


@router.get(DOCS_URL)
def swagger_ui() -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=OPENAPI_URL,
        title="Palermo API",
        swagger_js_url=f"{SWAGGER_ASSETS}/swagger-ui-bundle.js",
        swagger_css_url=f"{SWAGGER_ASSETS}/swagger-ui.css",
        swagger_favicon_url=f"{SWAGGER_ASSETS}/favicon-32x32.png",
        oauth2_redirect_url=OAUTH2_REDIRECT_URL,
    )


@router.get(OAUTH2_REDIRECT_URL)
def swagger_ui_redirect() -> HTMLResponse:
    return get_swagger_ui_oauth2_redirect_html()


@router.get(REDOC_URL)
def redoc() -> HTMLResponse:
    return get_redoc_html(
        openapi_url=OPENAPI_URL,
        title="Palermo API",
        redoc_js_url=f"{REDOC_ASSETS}/redoc.standalone.js",
        redoc_favicon_url=f"{SWAGGER_ASSETS}/favicon-32x32.png",
        with_google_fonts=False,
    )


def mount_assets(app: FastAPI) -> None:
    """The viewers' scripts and styles, straight from the packages that ship them."""
    app.mount(SWAGGER_ASSETS, StaticFiles(directory=SWAGGER_FOLDER), name="swagger-ui")
    app.mount(REDOC_ASSETS, StaticFiles(directory=REDOC_FOLDER), name="redoc")
