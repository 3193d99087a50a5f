"""The web app and HTTP API: officers' worklist and forms, the manager's dashboard, the auditor's view.
Routes, request bodies and forms for commands are made from the command table.

May import usecases and the layers beneath; never cli or deploy.
"""

from __future__ import annotations

from web.app import create_app

__all__ = ["create_app"]
