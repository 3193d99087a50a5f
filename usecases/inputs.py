"""Reading what a person types (dates, lists, amounts, checklist ids) into values, or one clear sentence.

Each refusal names where the value was typed: an option of the command line (`--cost`) or a form's field.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from pydantic import ValidationError

from domain.checklist import CHECKLIST_BY_ID
from domain.values import GapItem, Instrument, NeedKind


class BadOption(Exception):
    """A value typed could not be read; the message names the option (or field) and the value."""


def parse_date(value: str | None, option: str, today: date) -> date:
    if value is None:
        return today
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise BadOption(f"{option} must be a date like 2002-03-04, not '{value}'.") from None


def parse_moment(value: str | None, option: str = "--known-at") -> datetime | None:
    """A date-time; one typed without a zone is read as local time."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadOption(f"{option} must be a date-time like 2002-04-01T12:00, not '{value}'.") from None
    return moment if moment.tzinfo else moment.astimezone()


def parse_instruments(value: str, option: str = "--instruments") -> tuple[Instrument, ...]:
    names = [part.strip().lower() for part in value.split(",") if part.strip()]
    known = {i.value for i in Instrument}
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        raise BadOption(
            f"{option} takes a comma-separated list of {', '.join(sorted(known))}; '{value}' is not one."
        )
    return tuple(Instrument(n) for n in dict.fromkeys(names))


def parse_amount(value: str | None, option: str = "--cost") -> Decimal:
    if value is None:
        return Decimal(0)
    not_an_amount = BadOption(f"{option} must be an amount like 15000 or 2500.50, not '{value}'.")
    try:
        amount = Decimal(value.strip())
    except InvalidOperation:
        raise not_an_amount from None
    # NaN and Infinity parse as decimals, and comparing NaN raises: test finiteness first.
    if not amount.is_finite():
        raise not_an_amount
    if amount < 0:
        raise BadOption(f"{option} must be zero or more, not '{value}'.")
    return amount


def parse_count(value: str, option: str) -> int:
    """A whole number of people or things, written in digits."""
    text = value.strip()
    if not text.isascii() or not text.isdigit():
        raise BadOption(f"{option} must be a whole number like 12, not '{value}'.")
    return int(text)


def gap_items(ids: list[str], option: str = "--item") -> tuple[GapItem, ...]:
    """Gap items for checklist ids; the kind (legislative or not) comes from the checklist."""
    items = []
    for raw in ids:
        item_id = raw.strip()
        # An unknown id is the domain's to refuse, naming the rule; one that is no id at all stops here.
        listed = CHECKLIST_BY_ID.get(item_id)
        kind = listed.kind if listed else NeedKind.LEGISLATIVE
        try:
            items.append(GapItem(checklist_item=item_id, kind=kind))
        except ValidationError:  # empty, too long, or holding a control character
            raise BadOption(
                f"{option} must name a checklist item such as convention.art5, not '{raw}'."
            ) from None
    return tuple(items)
