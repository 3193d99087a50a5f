"""Headless Chromium (Debian's, never a downloaded build) on the embedded stack's web app; screenshots."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page, ViewportSize, async_playwright

from activities.users import UserRecord, Users
from domain.user import Role, Scope
from tests.e2e.conftest import REPO, Palermo
from usecases.embedded import running_address
from usecases.reports import CHROMIUM_QUIET
from usecases.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = list(CHROMIUM_QUIET)
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
ACTION_TIMEOUT_MS = 15_000
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}


def chromium_or_skip() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: scripts/setup installs Debian's chromium (as root)")
    return CHROMIUM


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    async with async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=str(chromium_or_skip()), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


@dataclass
class Site:
    """The web app of a running stack, its users' tokens, and where screenshots go."""

    palermo: Palermo
    url: str
    browser: Browser
    shots: Path

    @property
    def settings(self) -> Settings:
        return Settings(home=self.palermo.home)

    def add_user(
        self, name: str, role: Role, states: tuple[str, ...] = (), regions: tuple[str, ...] = ()
    ) -> str:
        """What `palermo user add` does, on the stack's Users store; returns the token shown once."""
        users = Users(self.settings.store_env("Users"))
        try:
            _, token = users.add(name, role, Scope(states=states, regions=regions), actor="test-admin")
        finally:
            users.close()
        return token

    def user(self, name: str) -> UserRecord | None:
        users = Users(self.settings.store_env("Users"))
        try:
            return users.user(name)
        finally:
            users.close()

    async def page(self, token: str | None) -> Page:
        """A new browser context (its own cookies), signed in with `token` unless it is None."""
        context = await self.browser.new_context(viewport=DESKTOP, base_url=self.url)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        page = await context.new_page()
        if token is not None:
            await page.goto("/login")
            await page.fill("input[name=token]", token)
            await page.click("#login button[type=submit]")
            await page.wait_for_load_state()
        return page

    async def shot(self, page: Page, name: str) -> Path:
        path = self.shots / f"web-{name}.png"
        await page.screenshot(path=str(path), full_page=True)
        return path

    async def both_widths(self, page: Page, name: str) -> tuple[Path, Path]:
        """The page at a desktop's width and at a phone's, where it must not scroll sideways."""
        desktop = await self.shot(page, name)
        await page.set_viewport_size(PHONE)
        try:
            overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{page.url} is {overflow} pixels wider than a phone"
            phone = await self.shot(page, f"{name}-phone")
        finally:
            await page.set_viewport_size(DESKTOP)
        return desktop, phone

    def api(self, token: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, headers={"Authorization": f"Bearer {token}"}, timeout=60)


def web_url(palermo: Palermo) -> str:
    found = running_address(palermo.home)
    assert found is not None, f"no web server runs for {palermo.home}"
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", found.url), found.url
    return found.url


def fresh_screenshots(prefix: str, folder: Path = SCREENSHOTS) -> Path:
    """The screenshot folder, without the pictures an earlier run of these tests left in it."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(f"{prefix}*.png"):
        old.unlink()
    return folder
