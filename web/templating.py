"""The app's templates and the filters they write with; apart from the pages, so that what keeps drawn
fragments (web/histories.py) needs no route."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.templating import Jinja2Templates

from domain.attachments import size_text
from domain.regions import region_of
from usecases.cases import new_command_id

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.filters["region"] = lambda code: r.value if (r := region_of(code)) else "—"
templates.env.filters["words"] = lambda name: str(name).replace("_", " ")
# An event's class name as people say it: LawSummaryReceived -> Law summary received.
templates.env.filters["event"] = lambda name: re.sub(r"(?<=[a-z])(?=[A-Z])", " ", str(name)).capitalize()
templates.env.filters["size"] = size_text
# Each form a page shows names its command once: submitted twice (a double click, a resent form), it is
# recorded once.
templates.env.globals["new_command_id"] = new_command_id
