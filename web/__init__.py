"""The web app and HTTP API: officers' worklist and forms, the manager's dashboard, the auditor's view."""

from __future__ import annotations

from deploy.web.app import create_app

__all__ = ["create_app"]
