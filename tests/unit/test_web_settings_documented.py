"""Every setting of the web server is a row of the README's Settings table, with its default."""

from __future__ import annotations

import re
from pathlib import Path

from web.config import WebSettings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_web_setting_is_in_the_readme_settings_table() -> None:
    table = README.read_text(encoding="utf-8").split("## Settings", 1)[1].split("\n## ", 1)[0]
    rows = dict(re.findall(r"^\| `(PALERMO_WEB_[A-Z_]+)` \| ([^|]+) \|", table, flags=re.MULTILINE))

    missing = []
    for name, field in WebSettings.model_fields.items():
        variable = f"PALERMO_WEB_{name.upper()}"
        default = field.default
        shown = None if default is None else str(default).lower()
        if variable not in rows or (shown is not None and f"`{shown}`" != rows[variable].strip()):
            missing.append(f"{variable} (default {shown})")

    assert missing == [], f"the README's Settings table lacks or misstates: {', '.join(missing)}"
