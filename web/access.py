"""Who is asking, and whether they may: bearer tokens for the API, a signed session for the pages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from activities.users import UserRecord
from domain.errors import UnknownParticipant
from domain.successions import engaged_code
from domain.user import Role
from web.at_hand import answered
from web.errors import ApiError, SignInRequired, TooManySignIns
from web.services import Services

bearer = HTTPBearer(auto_error=False, description="A token from `palermo user add` or `palermo user token`.")


# The dependencies that only look at what is in memory are coroutines: FastAPI runs a plain function in its
# thread pool, and under many users each hop to a thread and back cost more than the check it ran.


async def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


Wired = Annotated[Services, Depends(services)]


def _waited(request: Request, wired: Services, token: str) -> tuple[str, str]:
    """The client's address and the token's id; TooManySignIns when the address must wait first."""
    client = request.client.host if request.client is not None else ""
    token_id = token.strip().partition(".")[0][:64]
    wait = wired.sign_ins.wait(client, token_id)
    if wait:
        raise TooManySignIns(wait)
    return client, token_id


def signed_in_by(request: Request, wired: Services, token: str) -> UserRecord | None:
    """The user `token` belongs to, or None, counted against the address and the token's id when it is
    None; TooManySignIns, before any hashing, when the address must wait first."""
    client, token_id = _waited(request, wired, token)
    user = wired.users.authenticate(token)
    if user is None:
        wired.sign_ins.failed(client, token_id)
    return user


async def api_user(
    request: Request,
    wired: Wired,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> UserRecord:
    """The token's user: on the event loop for a token accepted before, on a thread when it must be hashed."""
    if credentials is None:
        raise SignInRequired("Send a token as 'Authorization: Bearer <token>' (see `palermo user token`).")
    token = credentials.credentials

    def accepted() -> UserRecord | None:
        _waited(request, wired, token)
        return wired.users.accepted(token)

    user = await answered(accepted, lambda: signed_in_by(request, wired, token))
    if user is None:
        raise SignInRequired("The token is not valid: it was mistyped or has been revoked.")
    return user


async def page_user(request: Request, wired: Wired) -> UserRecord:
    """The user of the session the cookie names, as the event store has it: a session ended on any web
    server (signed out, its token revoked or replaced, too old) lets nobody in. On the event loop: the users'
    log is read only as far as it grew since the last request."""
    secret = request.session.get("session")
    if not isinstance(secret, str):
        raise SignInRequired("Sign in first.")
    user = wired.users.signed_in(secret)
    if user is None:
        request.session.clear()
        raise SignInRequired("Your session has ended; sign in again.")
    return user


def forbidden(message: str) -> ApiError:
    return ApiError(403, message)


def check_role(user: UserRecord, roles: tuple[Role, ...]) -> None:
    if user.role not in roles:
        names = " and ".join(f"{r.value}s" for r in roles)
        raise forbidden(f"Only {names} may do this; {user.name} is {user.role.with_article}.")


def check_read(user: UserRecord, state: str) -> None:
    """Managers and auditors read every case; officers the cases of their States and regions."""
    if user.role is Role.OFFICER and not user.covers(state):
        raise forbidden(f"{state} is outside the States and regions assigned to {user.name}.")


def check_act(user: UserRecord, state: str, senders: tuple[Role, ...] = (Role.OFFICER,)) -> None:
    """Only the roles that may send a command record it (officers, for a case's steps), and an officer
    only for the States and regions assigned to them."""
    if user.role not in senders:
        who = " and ".join(f"{r.value}s" for r in senders)
        raise forbidden(f"{user.name} is {user.role.with_article}: only {who} record the steps of a case.")
    check_read(user, state)


def state_code(wired: Services, state: str) -> str:
    """The ISO code a path names; 404 when it names no State."""
    try:
        return wired.participant(state).code
    except UnknownParticipant as error:
        raise ApiError(404, str(error)) from None


def case_code(wired: Services, state: str) -> str:
    """The code a State's engagement is kept under: a State that went on under another name (Yugoslavia,
    then Serbia) keeps its engagement; 404 when the path names no State."""
    # Asked of the case book the app keeps: loading the engagement from the store to learn whether it exists
    # was a third of a case page's cost.
    return engaged_code(state_code(wired, state), lambda code: wired.book.case(code) is not None)


def api_roles(*roles: Role) -> Callable[..., Awaitable[UserRecord]]:
    async def dependency(user: Annotated[UserRecord, Depends(api_user)]) -> UserRecord:
        check_role(user, roles)
        return user

    return dependency


def page_roles(*roles: Role) -> Callable[..., Awaitable[UserRecord]]:
    async def dependency(user: Annotated[UserRecord, Depends(page_user)]) -> UserRecord:
        check_role(user, roles)
        return user

    return dependency


ApiUser = Annotated[UserRecord, Depends(api_user)]
PageUser = Annotated[UserRecord, Depends(page_user)]
