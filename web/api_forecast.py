"""`GET /api/report/forecast`: the projections `palermo report forecast --json` prints."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query

from projections.forecast.outlook import Forecast
from projections.forecast.survival import TooLittleHistory
from web.access import ApiUser, Wired
from web.api_models import REFUSALS
from web.errors import ApiError
from web.outlook import read_forecast
from web.reports import InRange, WrittenOut

router = APIRouter(prefix="/api", responses=REFUSALS)
ReportDay = Annotated[date | None, WrittenOut, InRange]
ReportMoment = Annotated[datetime | None, WrittenOut, InRange]
Months = Annotated[int, Query(ge=1, le=120, description="How many months ahead to project")]


@router.get(
    "/report/forecast", tags=["report"], summary="Projected parties, entry into force and completions"
)
def report_forecast(
    _user: ApiUser, wired: Wired, as_of: ReportDay = None, months: Months = 12, known_at: ReportMoment = None
) -> Forecast:
    day = as_of or wired.today()
    try:
        return read_forecast(wired, day, months, known_at)
    except TooLittleHistory as error:
        raise ApiError(422, f"No forecast as of {day}: {error}.") from None
