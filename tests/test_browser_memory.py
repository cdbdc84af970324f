"""End to end in headless Chromium: the Memory page trains, draws its three charts, redraws them in place when a
control changes, fits a 390 px phone, and asks nothing of any host but the app's own server."""
from __future__ import annotations

import pytest
from browser_support import (
    COUNT_EMBEDS_JS,
    FINGERPRINTS_JS,
    TIMEOUT_MS,
    choose_option,
    chromium,
    expect,
    require_browser,
    streamlit_server,
    wait_for_location,
    wait_idle,
    watch,
)

PATH = "/Memory"
N_CHARTS = 3
GATE = "gated cell's start"
SENTENCE = "The plain cell's success rate"
TITLE_B = "How often each cell learns the task"


@pytest.fixture(scope="module")
def server():
    require_browser()
    with streamlit_server() as srv:
        yield srv


@pytest.fixture(scope="module")
def browser(server):
    expect.set_options(timeout=TIMEOUT_MS)
    with chromium() as b:
        yield b


def open_memory(browser, server, width: int = 1400, height: int = 1000):
    """A fresh context and tab on the Memory page, waited on until the script finished and its charts drew."""
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.watched = watch(page, server.url)
    page.goto(server.url + PATH)
    wait_idle(page, N_CHARTS)
    return context, page


def text_of(page, prefix: str) -> str:
    return page.get_by_text(prefix).first.inner_text()


@pytest.mark.browser
def test_memory_page_draws_and_redraws_in_place_when_the_gate_changes(browser, server):
    context, page = open_memory(browser, server)
    try:
        expect(page.locator('[data-testid="stVegaLiteChart"]')).to_have_count(N_CHARTS)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        before = page.evaluate(FINGERPRINTS_JS)
        said, title = text_of(page, SENTENCE), text_of(page, TITLE_B)
        assert all(before), before  # every chart drew something
        page.evaluate(COUNT_EMBEDS_JS)
        choose_option(page, GATE, "pytorch")  # the link's word; a caption says what it means
        expect(page.get_by_text("PyTorch default: bz ~ U(−1, 1)")).to_be_visible()
        wait_for_location(page, "q.get('gate') === 'pytorch'")  # the short word in the link, never the label
        # the title of (b) is computed from the new numbers: it changes once the new setting has trained
        page.wait_for_function("old => ![...document.querySelectorAll('p strong')].some(e => e.textContent === old)",
                               arg=title)
        wait_idle(page, N_CHARTS)
        after = page.evaluate(FINGERPRINTS_JS)
        changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
        assert changed == [0, 1, 2], (before, after)  # success rate, loss curves and gradient all show the change
        assert page.evaluate("window.__embeds") == 0, "a control change rebuilt a Vega view instead of swapping data"
        assert text_of(page, SENTENCE) != said
        expect(page.get_by_test_id("stException")).to_have_count(0)
        assert not page.watched.problems(), page.watched.problems()
    finally:
        context.close()


@pytest.mark.browser
def test_memory_page_fits_a_phone(browser, server):
    context, page = open_memory(browser, server, width=390, height=844)
    try:
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{overflow} px of horizontal scroll at 390 px"
        widths = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].map(
            c => c.getBoundingClientRect().right)""")
        assert all(0 < w <= 390 for w in widths), widths
        assert not page.watched.problems(), page.watched.problems()
    finally:
        context.close()
