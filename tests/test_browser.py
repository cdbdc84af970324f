"""End to end in headless Chromium: deep links, keyboard, shared URLs, page switches, bad links, screenshots."""
from __future__ import annotations

import re

import pytest
from browser_support import (
    CHART,
    ROOT,
    TIMEOUT_MS,
    chart_titles,
    choose_option,
    chromium,
    location,
    require_browser,
    streamlit_server,
    wait_for_location,
    wait_idle,
)

try:
    from playwright.sync_api import expect
except ImportError:  # require_browser() turns this into a skip locally and a failure in CI
    expect = None

WH = "wh_init: the recurrent weight"
L_LABEL = "L: sequence length (steps)"
HOME_H1 = "tinyrnn: why gradients vanish or explode"
EXPLORER_H1 = "Explorer: one run, every gradient"
EXPLORER_CHARTS = 4
SHOTS = ROOT / "screenshots"
# Streamlit's own sidebar nav is hidden (config.toml): the sidebar holds our st.page_link list instead.
VIAS = ["page_link", "main page_link"]  # main: Home's in-page "Explorer: ..." link


@pytest.fixture(scope="module")
def server():
    """One fresh `streamlit run streamlit_app.py` for this module."""
    require_browser()
    with streamlit_server() as srv:
        yield srv


@pytest.fixture(scope="module")
def browser(server):
    """One headless Chromium for this module."""
    expect.set_options(timeout=TIMEOUT_MS)
    with chromium() as b:
        yield b


@pytest.fixture
def context(browser):
    """A fresh browser context (no cookies, no storage) per test."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx.set_default_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


def open_page(context, server, path: str, min_charts: int = 1):
    """A new tab at server+path, waited on until the script finished and its charts drew."""
    page = context.new_page()
    page.goto(server.url + path)
    wait_idle(page, min_charts)
    return page


def slider_value(page, label: str):
    """The value text shown on a slider's thumb."""
    return page.get_by_test_id("stSlider").filter(has_text=label).get_by_test_id("stSliderThumbValue")


def heading(page, text: str):
    """The page's h1 containing text."""
    return page.locator("h1", has_text=text)


def no_exception(page) -> None:
    """No Streamlit exception box anywhere."""
    expect(page.get_by_test_id("stException")).to_have_count(0)


def gradient_title(page):
    """The title of the Explorer's gradient chart."""
    return page.locator(f"{CHART} .role-title", has_text="Gradients after L=")


def nudge_wh(page, presses: int = 3) -> str:
    """Focus the wh thumb, press ArrowRight `presses` times; wait for the URL and charts; return the URL path."""
    expected = f"{1.0 + presses / 100:.2f}"
    before = gradient_title(page).text_content()
    thumb = page.get_by_role("slider", name=WH)
    thumb.focus()
    for _ in range(presses):
        thumb.press("ArrowRight")
    url = wait_for_location(page, f"q.get('wh') === '{expected}'")
    expect(slider_value(page, WH)).to_have_text(expected)
    expect(gradient_title(page)).not_to_have_text(before)
    expect(page.get_by_test_id("stAlert").filter(has_text=f"about {expected}")).to_have_count(1)
    wait_idle(page, EXPLORER_CHARTS)
    return url


@pytest.mark.browser
def test_deep_link_sets_widgets_and_page(context, server):
    page = open_page(context, server, "/Explorer?wh=2.5&L=7&act=tanh", EXPLORER_CHARTS)
    expect(heading(page, EXPLORER_H1)).to_be_visible()
    expect(slider_value(page, WH)).to_have_text("2.50")
    expect(slider_value(page, L_LABEL)).to_have_text("7")
    expect(page.get_by_role("combobox", name="activation")).to_have_value("tanh")
    expect(page.get_by_test_id("stAlert").filter(has_text="after L=7 steps")).to_have_count(1)
    expect(gradient_title(page)).to_contain_text("Gradients after L=7")
    assert re.search(r"tanh", page.get_by_test_id("stAlert").first.inner_text())
    query = location(page)
    assert all(part in query for part in ("wh=2.5", "L=7", "act=tanh")), query
    no_exception(page)


@pytest.mark.browser
def test_keyboard_moves_slider_url_and_charts(context, server):
    page = open_page(context, server, "/Explorer", EXPLORER_CHARTS)
    before = chart_titles(page)
    url = nudge_wh(page, 3)
    assert "wh=1.03" in url
    after = chart_titles(page)
    assert after[0] != before[0] and after[1] != before[1], (before, after)  # trajectory and gradient titles
    no_exception(page)


@pytest.mark.browser
def test_shared_url_reproduces_state_in_fresh_context(context, browser, server):
    page = open_page(context, server, "/Explorer", EXPLORER_CHARTS)
    url = nudge_wh(page, 3)
    titles = chart_titles(page)
    fresh = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        other = fresh.new_page()
        other.goto(server.url + url)
        wait_idle(other, EXPLORER_CHARTS)
        expect(slider_value(other, WH)).to_have_text("1.03")
        expect(slider_value(other, L_LABEL)).to_have_text("10")
        assert chart_titles(other) == titles
        assert location(other) == url
        no_exception(other)
    finally:
        fresh.close()


def nav_link(page, via: str, target: str):
    """The link to target ('Home' | 'Explorer'): the sidebar's st.page_link, or one in the main area."""
    scope = page.get_by_test_id("stMain") if via == "main page_link" and target == "Explorer" else page
    label = page.get_by_test_id("stMarkdownContainer").filter(has_text=re.compile(rf"^{target}"))
    return scope.get_by_test_id("stPageLink-NavLink").filter(has=label).first


def switch_page(page, via: str, target: str, query_js: str = "true") -> None:
    """Click through to target and wait for its heading, its path (plus query_js) and its charts."""
    nav_link(page, via, target).click()
    home = target == "Home"
    expect(heading(page, HOME_H1 if home else EXPLORER_H1)).to_be_visible()
    wait_for_location(page, f"p === '{'/' if home else '/Explorer'}' && ({query_js})")
    wait_idle(page, 1 if home else EXPLORER_CHARTS)


@pytest.mark.browser
@pytest.mark.parametrize("via", VIAS)
def test_page_switch_keeps_changed_setting(context, server, via):
    page = open_page(context, server, "/Explorer", EXPLORER_CHARTS)
    nudge_wh(page, 3)
    switch_page(page, via, "Home", "q.get('wh') === '1.03'")
    expect(slider_value(page, WH)).to_have_text("1.03")
    switch_page(page, via, "Explorer", "q.get('wh') === '1.03'")
    expect(slider_value(page, WH)).to_have_text("1.03")
    expect(page.get_by_test_id("stAlert").filter(has_text="about 1.03")).to_have_count(1)
    no_exception(page)


@pytest.mark.browser
@pytest.mark.parametrize("via", VIAS)
def test_page_switch_keeps_deep_linked_settings(context, server, via):
    page = open_page(context, server, "/Explorer?wh=1.5&L=7", EXPLORER_CHARTS)
    switch_page(page, via, "Home")
    # Streamlit alone drops values that came only from the first URL; tinyrnn.ui.restore_settings carries them
    expect(slider_value(page, WH)).to_have_text("1.50")
    expect(slider_value(page, L_LABEL)).to_have_text("7")
    switch_page(page, via, "Explorer", "q.get('wh') === '1.5'")
    expect(slider_value(page, WH)).to_have_text("1.50")
    expect(slider_value(page, L_LABEL)).to_have_text("7")
    no_exception(page)


@pytest.mark.browser
def test_bad_link_warns_for_each_parameter(context, server):
    page = open_page(context, server, "/Explorer?wh=abc&L=5000&act=%3Cscript%3E", EXPLORER_CHARTS)
    warnings = page.get_by_test_id("stAlert").filter(has_text="Link parameter")
    expect(warnings.filter(has_text="wh = abc")).to_contain_text("is not a number")
    expect(warnings.filter(has_text="L = 5000")).to_contain_text("is out of range")
    expect(warnings.filter(has_text="act = <script>")).to_contain_text("is not a known choice")
    expect(warnings).to_have_count(3)
    expect(slider_value(page, WH)).to_have_text("1.00")
    expect(slider_value(page, L_LABEL)).to_have_text("10")
    expect(page.get_by_role("combobox", name="activation")).to_have_value("relu")
    assert page.locator(".stException").count() == 0
    no_exception(page)


@pytest.mark.browser
@pytest.mark.parametrize(("size", "suffix"), [((1400, 1000), ""), ((390, 844), "_phone")])
def test_screenshots(browser, server, size, suffix):
    SHOTS.mkdir(exist_ok=True)
    width, height = size
    ctx = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
    try:
        for name, path, charts in (("home", "/", 1), ("explorer", "/Explorer", EXPLORER_CHARTS)):
            page = ctx.new_page()
            page.goto(server.url + path)
            wait_idle(page, charts)
            page.evaluate("() => document.fonts.ready")
            no_exception(page)
            page.screenshot(path=SHOTS / f"{name}{suffix}.png")
            full = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
            page.set_viewport_size({"width": width, "height": max(height, full)})  # the main pane scrolls, not <body>
            wait_idle(page, charts)
            page.screenshot(path=SHOTS / f"{name}{suffix}_full.png")
            page.close()
            assert (SHOTS / f"{name}{suffix}.png").stat().st_size > 10_000
    finally:
        ctx.close()


@pytest.mark.browser
def test_sweep_page_redraws_the_heatmap_at_a_new_resolution(context, server):
    page = open_page(context, server, "/Sweep", 3)
    caption = page.get_by_test_id("stCaptionContainer").filter(has_text="Computed")
    expect(caption).to_contain_text("Computed 200×200 = 40,000 cells")
    choose_option(page, "grid: N wh_init values × L = 1..N", "100")
    expect(caption).to_contain_text("Computed 100×100 = 10,000 cells")
    wait_for_location(page, "q.get('res') === '100'")
    wait_idle(page, 3)  # every chart drawn again (the big heatmap on a canvas, so no title text to read)
    no_exception(page)


@pytest.mark.browser
def test_training_preset_trains_and_explains_the_divergence(context, server):
    page = open_page(context, server, "/Training", 3)
    page.get_by_role("button", name="Exploding TinyRNN").click()
    expect(page.get_by_test_id("stAlert").filter(has_text="Plain SGD diverged at step 2")).to_have_count(1)
    wait_idle(page, 3)
    metrics = page.get_by_test_id("stMetric")
    expect(metrics.filter(has_text="plain SGD: final loss")).to_contain_text("inf")
    expect(metrics.filter(has_text="clip events")).to_contain_text("10")
    # lr 0.005 and clip 10 equal the defaults, so the URL leaves them out; these differ from the defaults:
    wait_for_location(page, "q.get('act') === 'leaky_relu' && q.get('wh') === '1.5' && q.get('dtype') === 'float64'")
    no_exception(page)
