"""``python -m geo export --check FILE``: a screening pack checked as a venue's browser would open it.

Headless Chromium (Debian's, through Playwright: never ``playwright install``) opens the file with every
request aborted, at the screen sizes venues still have, and runs the pack's own venue check (``#check``:
every slide fits, fonts, nothing fetched). Anything the browser tried to fetch, and any script error, is
a problem too. Needs the dev requirements (Playwright) and Chromium, as the browser tests do.
"""

from __future__ import annotations

import sys
from pathlib import Path

#: Projectors and the laptops driving them: full HD, 720p, and the 4:3 XGA many venues still have.
SIZES: tuple[tuple[int, int], ...] = ((1920, 1080), (1280, 720), (1024, 768))
TIMEOUT_MS = 30_000


class CheckUnavailable(RuntimeError):
    """No browser to check with (Playwright or Chromium missing)."""


def only_the_file(context, path: Path) -> list[str]:
    """Let a browser context load ``path`` and nothing else (no other file, no network): every other
    request is aborted and listed in the returned list, which fills as the page runs. A venue has no
    network, so a pack that asks for anything would break there."""
    requested: list[str] = []

    def gate(route) -> None:
        if route.request.url.split("#")[0].split("?")[0] == path.as_uri():
            route.continue_()
        else:
            requested.append(route.request.url)
            route.abort()

    context.route("**/*", gate)
    return requested


def _check_at(browser, path: Path, width: int, height: int) -> list[str]:
    context = browser.new_context(viewport={"width": width, "height": height})
    requested = only_the_file(context, path)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(path.as_uri() + "#check")
        if page.locator("#pack-data").count() == 0:
            raise LookupError("no pack data")
        # A selector, not wait_for_function: the pack's content policy forbids evaluating strings.
        page.wait_for_selector("html[data-check]", state="attached", timeout=TIMEOUT_MS)
        problems = list(page.evaluate("() => window.packCheck.problems"))
    except Exception as exc:  # noqa: BLE001 - whatever stopped it, the check did not run: that is the finding
        problems = [f"the pack's own check did not run ({type(exc).__name__}): is this a screening pack?"]
    finally:
        context.close()
    return (
        problems
        + [f"requested from outside the file: {url}" for url in requested]
        + [f"script error: {error}" for error in errors]
    )


def check_pack(path: Path, sizes: tuple[tuple[int, int], ...] = SIZES) -> list[str]:
    """Every problem at every size, each starting with it (``1024x768: slide 4: title does not fit``)."""
    try:
        from playwright.sync_api import sync_playwright

        from harness.browser import CHROMIUM_ARGS, find_chromium
    except ImportError as exc:
        raise CheckUnavailable("Playwright is missing: pip install -r requirements-dev.txt") from exc
    chromium = find_chromium()
    if chromium is None:
        raise CheckUnavailable("Chromium is missing: apt-get install chromium (or set CHROMIUM_PATH)")
    path = path.resolve()
    out = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        try:
            for width, height in sizes:
                out += [f"{width}x{height}: {p}" for p in _check_at(browser, path, width, height)]
        finally:
            browser.close()
    return out


def main(path: Path) -> int:
    if not path.is_file():
        print(f"error: {path}: no such file", file=sys.stderr)
        return 2
    try:
        problems = check_pack(path)
    except CheckUnavailable as exc:
        print(f"error: cannot check: {exc}", file=sys.stderr)
        return 2
    for problem in problems:
        print(problem)
    sizes = ", ".join(f"{w}x{h}" for w, h in SIZES)
    verdict = f"{len(problems)} problem(s)" if problems else "no problems: ready to show"
    print(f"{path}: checked offline at {sizes}: {verdict}", file=sys.stderr)
    return 1 if problems else 0
