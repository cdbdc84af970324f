"""End to end in headless Chromium: every interaction the app advertises, on every page, with no console error,
no failed request and no request outside the server; charts redraw in place; screenshots of every page."""
from __future__ import annotations

import re

import pytest
from browser_support import (
    CHART,
    COUNT_EMBEDS_JS,
    FINGERPRINTS_JS,
    ROOT,
    TIMEOUT_MS,
    choose_option,
    chromium,
    expect,
    location,
    require_browser,
    streamlit_server,
    wait_for_location,
    wait_for_log,
    wait_idle,
    watch,
)

WH = "wh_init: the recurrent weight"
L_LABEL = "L: sequence length (steps)"
HOME_H1 = "tinyrnn: why gradients vanish or explode"
EXPLORER_H1 = "Explorer: one run, every gradient"
CHARTS = {"/": 1, "/Explorer": 5, "/Sweep": 7, "/Training": 4, "/Memory": 3, "/Exercises": 0, "/Compare": 2}
SHOTS = ROOT / "screenshots"


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


def open_page(context, server, path: str, min_charts: int | None = None):
    """A new tab at server+path, waited on until the script finished and its charts drew; page.watched records
    console errors, failed requests and requests to other hosts (checked by clean())."""
    page = context.new_page()
    page.watched = watch(page, server.url)
    page.goto(server.url + path)
    wait_idle(page, CHARTS.get(path.split("?")[0], 1) if min_charts is None else min_charts)
    return page


def clean(page) -> None:
    """No Streamlit exception box, no console error, no failed request, nothing asked of another host."""
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert not page.watched.problems(), page.watched.problems()


def slider_value(page, label: str):
    """The value text shown on a slider's thumb."""
    return page.get_by_test_id("stSlider").filter(has_text=label).get_by_test_id("stSliderThumbValue")


def heading(page, text: str):
    return page.locator("h1", has_text=text)


def banner(page, text: str):
    return page.get_by_test_id("stAlert").filter(has_text=text)


def nudge_wh(page, presses: int = 3, start: float = 1.0) -> str:
    """Focus the wh thumb, press ArrowRight `presses` times; wait for the URL, the banner and the charts."""
    expected = f"{start + presses / 100:.2f}"
    thumb = page.get_by_role("slider", name=WH)
    thumb.focus()
    for _ in range(presses):
        thumb.press("ArrowRight")
    url = wait_for_location(page, f"q.get('wh') === '{expected.rstrip('0').rstrip('.')}'")
    expect(slider_value(page, WH)).to_have_text(expected)
    expect(banner(page, f"×{float(expected):.3g} per step")).to_have_count(1)
    wait_idle(page, CHARTS["/Explorer"])
    return url


@pytest.mark.browser
def test_every_page_loads_clean_with_no_outside_request(context, server):
    for path, n in CHARTS.items():
        page = open_page(context, server, path)
        assert page.locator(CHART).count() == n, path
        icon = page.evaluate("() => document.querySelector(\"link[rel='shortcut icon']\")?.href || ''")
        assert icon.startswith(server.url), f"favicon from {icon!r}"  # served by us: no outside host
        clean(page)
        page.close()


@pytest.mark.browser
def test_deep_link_sets_widgets_and_page(context, server):
    page = open_page(context, server, "/Explorer?wh=2.5&L=7&act=tanh")
    expect(heading(page, EXPLORER_H1)).to_be_visible()
    expect(slider_value(page, WH)).to_have_text("2.50")
    expect(page.get_by_test_id("stSlider").filter(has_text=L_LABEL)).to_contain_text("7")
    expect(page.get_by_role("combobox", name="activation")).to_have_value("tanh")
    expect(banner(page, "after 7 steps")).to_have_count(1)
    query = location(page)
    assert all(part in query for part in ("wh=2.5", "L=7", "act=tanh")), query
    clean(page)


@pytest.mark.browser
def test_a_slider_move_redraws_every_chart_in_place(context, server):
    page = open_page(context, server, "/Explorer")
    before = page.evaluate(FINGERPRINTS_JS)
    page.evaluate(COUNT_EMBEDS_JS)
    nudge_wh(page, 3)
    after = page.evaluate(FINGERPRINTS_JS)
    assert page.evaluate("window.__embeds") == 0, "a slider move rebuilt a Vega view instead of swapping its data"
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert {0, 2, 3}.issubset(changed), (before, after)  # h_t, gradient vs L and the factors show the new data
    clean(page)


@pytest.mark.browser
def test_shared_url_reproduces_state_in_fresh_context(context, browser, server):
    page = open_page(context, server, "/Explorer")
    url = nudge_wh(page, 3)
    fresh = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        other = fresh.new_page()
        other.watched = watch(other, server.url)
        other.goto(server.url + url)
        wait_idle(other, CHARTS["/Explorer"])
        expect(slider_value(other, WH)).to_have_text("1.03")
        assert location(other) == url
        titles = "() => [...document.querySelectorAll('[data-testid=\"stMarkdownContainer\"] strong')]" \
                 ".map(e => e.textContent)"
        assert other.evaluate(titles) == page.evaluate(titles)  # the same numbers in every chart's title
        clean(other)
    finally:
        fresh.close()


def nav(page, label: str):
    """The sidebar link whose text starts with label."""
    return page.get_by_test_id("stSidebar").get_by_test_id("stPageLink-NavLink").filter(
        has_text=re.compile(rf"^{label}")).first


@pytest.mark.browser
def test_page_switch_keeps_changed_and_deep_linked_settings(context, server):
    page = open_page(context, server, "/Explorer?L=7")
    nudge_wh(page, 3)
    nav(page, "Home").click()
    expect(heading(page, HOME_H1)).to_be_visible()
    wait_for_location(page, "p === '/' && q.get('wh') === '1.03' && q.get('L') === '7' && !q.has('log')")
    expect(slider_value(page, WH)).to_have_text("1.03")
    nav(page, "Explorer").click()
    expect(heading(page, EXPLORER_H1)).to_be_visible()
    wait_for_location(page, "p === '/Explorer' && q.get('wh') === '1.03' && q.get('L') === '7'")
    expect(banner(page, "after 7 steps")).to_have_count(1)
    clean(page)


@pytest.mark.browser
def test_every_lesson_button_loads_its_lesson(context, server):
    page = open_page(context, server, "/Explorer")
    for title, words in (("Vanishing", "2.0e-10"), ("Marginal stability", "50 equal terms"),
                         ("Exploding", "2.0e5"), ("float32 zero", "same float32"),
                         ("tanh fixed point", "h* = 0.8586"), ("Dead relu", "exactly 0")):
        page.get_by_role("button", name=title, exact=True).click()
        expect(banner(page, title).filter(has_text=words)).to_have_count(1)
        wait_idle(page, CHARTS["/Explorer"])
        assert "lesson=" in location(page)
    clean(page)


@pytest.mark.browser
def test_a_lesson_link_shows_its_lesson(context, server):
    page = open_page(context, server, "/Explorer?lesson=fixed-point&wh=1.5&L=50&act=tanh")
    expect(banner(page, "tanh fixed point")).to_contain_text("0.394")
    clean(page)


@pytest.mark.browser
def test_hostile_links_render_nothing_from_the_link(context, server):
    beacon = "http://127.0.0.1:9/beacon.png"
    hostile = ("/Explorer?train=" + f"![i]({beacon})" + "&zzz=[Click%20to%20fix](http://127.0.0.1:9/x)"
               "&wh=%0A%0A**b**%20$\\href{x}{y}$%20:red[x]&act=<img%20src=x>")
    page = open_page(context, server, hostile)
    warnings = page.get_by_test_id("stAlert").filter(has_text="Link parameter")
    expect(warnings.first).to_be_visible()
    alerts = page.get_by_test_id("stAlert")
    assert alerts.locator("img, a, .katex, strong:text-is('b')").count() == 0  # nothing from the link renders
    assert alerts.locator("[data-testid='stMarkdownContainer'] span[style*='color']").count() == 0
    expect(slider_value(page, WH)).to_have_text("1.00")  # the page uses the default the warning names
    expect(warnings.filter(has_text="wh")).to_contain_text("Using 1.0")
    assert not [r for r in page.watched.outside] and not any(beacon in f for f in page.watched.failed)
    clean(page)


@pytest.mark.browser
def test_bad_link_warns_for_each_parameter_and_uses_what_it_says(context, server):
    page = open_page(context, server, "/Explorer?wh=2&wh=3&L=5000&act=%3Cscript%3E")
    warnings = page.get_by_test_id("stAlert").filter(has_text="Link parameter")
    expect(warnings.filter(has_text="given 2 times")).to_contain_text("Using 3.0")
    expect(warnings.filter(has_text="5000")).to_contain_text("is out of range")
    expect(warnings).to_have_count(3)
    expect(slider_value(page, WH)).to_have_text("3.00")  # what the warning says is what the slider holds
    clean(page)


@pytest.mark.browser
def test_sweep_resolution_change_redraws_the_diagram(context, server):
    page = open_page(context, server, "/Sweep")
    caption = page.get_by_test_id("stCaptionContainer").filter(has_text="Computed")
    expect(caption).to_contain_text("Computed 200×200 = 40,000 cells")
    choose_option(page, "grid: N values × L = 1..N", "100")
    expect(caption).to_contain_text("Computed 100×100 = 10,000 cells")
    wait_for_location(page, "q.get('res') === '100'")
    wait_idle(page, CHARTS["/Sweep"])
    clean(page)


def click_phase_cell(page, across: float, key: str) -> str:
    """Click the Sweep's phase diagram at `across` of its width, half way up (inside the plot area); wait for the
    Explorer to open with that cell's `key` and L in its link, and return the link."""
    heat = page.locator(CHART).nth(1)
    heat.scroll_into_view_if_needed()
    box = heat.locator("canvas, svg.marks").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * across, box["y"] + box["height"] * 0.5)
    expect(heading(page, EXPLORER_H1)).to_be_visible()
    return wait_for_location(page, f"p === '/Explorer' && q.has('{key}') && q.has('L')")


@pytest.mark.browser
def test_clicking_a_phase_cell_opens_it_in_the_explorer(context, server):
    page = open_page(context, server, "/Sweep")
    url = click_phase_cell(page, 0.6, "wh")
    wh, L = float(re.search(r"wh=([-0-9.]+)", url).group(1)), int(re.search(r"L=(\d+)", url).group(1))
    assert -3 <= wh <= 3 and 1 <= L <= 200, url  # the diagram spans wh_init -3..3 and L = 1..200
    wait_idle(page, CHARTS["/Explorer"])
    expect(slider_value(page, WH)).to_have_text(f"{wh:.2f}")
    clean(page)


@pytest.mark.browser
def test_choosing_the_gated_cell_shows_its_gate_and_redraws(context, server):
    page = open_page(context, server, "/Explorer")
    expect(page.get_by_role("slider", name="bz: the gate's bias")).to_have_count(0)
    choose_option(page, "cell", "gru")
    wait_for_location(page, "q.get('cell') === 'gru'")
    expect(page.get_by_role("slider", name="bz: the gate's bias")).to_have_count(1)
    expect(page.get_by_text("gated: an update gate (GRU-style)")).to_be_visible()
    expect(banner(page, "The update gate writes z = 0.5")).to_have_count(1)
    wait_idle(page, CHARTS["/Explorer"])
    thumb = page.get_by_role("slider", name="bz: the gate's bias")
    thumb.focus()
    for _ in range(3):
        thumb.press("ArrowLeft")
    wait_for_location(page, "q.get('bz') === '-0.3'")
    expect(banner(page, "The update gate writes z = 0.426")).to_have_count(1)  # sigmoid(-0.3) = 0.4256
    wait_idle(page, CHARTS["/Explorer"])
    clean(page)


@pytest.mark.browser
def test_clicking_the_gate_bias_phase_diagram_opens_that_bz_in_the_explorer(context, server):
    page = open_page(context, server, "/Sweep?cell=gru&act=tanh&wh=0.5&over=bz&res=100")
    url = click_phase_cell(page, 0.3, "bz")
    bz, L = float(re.search(r"bz=([-0-9.]+)", url).group(1)), int(re.search(r"L=(\d+)", url).group(1))
    assert -3 <= bz <= 0 and 1 <= L <= 100, url  # the left part of a diagram over bz in -3..3, L = 1..100
    wait_idle(page, CHARTS["/Explorer"])
    expect(slider_value(page, "bz: the gate's bias")).to_have_text(f"{bz:.1f}")
    clean(page)


@pytest.mark.browser
def test_float32_and_float64_side_by_side_draws_both_diagrams(context, server):
    page = open_page(context, server, "/Sweep?compare=true", min_charts=8)
    expect(page.locator(CHART)).to_have_count(8)  # lines, two diagrams, five per-activation minis
    for title in ("float32", "float64"):
        expect(page.get_by_test_id("stMarkdownContainer").filter(has_text=re.compile(rf"^{title}:"))).to_have_count(1)
    clean(page)


@pytest.mark.browser
@pytest.mark.parametrize("preset, words", [("Exploding TinyRNN", "plain SGD diverged"),
                                           ("Pascanu's cliff", "plain SGD stuck")])
def test_each_training_preset_trains_and_explains(context, server, preset, words):
    page = open_page(context, server, "/Training")
    page.get_by_role("button", name=preset).click()
    expect(banner(page, words)).to_have_count(1)
    wait_idle(page, 6 if preset == "Pascanu's cliff" else 4)
    clean(page)


@pytest.mark.browser
@pytest.mark.parametrize(("width", "scheme"), [(1400, "light"), (390, "light"), (1400, "dark")])
def test_screenshots_fit_the_width(browser, server, width, scheme):
    """Every page at a laptop's and a phone's width and in the dark theme: no horizontal scroll, no error."""
    SHOTS.mkdir(exist_ok=True)
    ctx = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme, device_scale_factor=1)
    try:
        for name, path in (("home", "/"), ("explorer", "/Explorer"), ("sweep", "/Sweep"), ("training", "/Training"),
                           ("memory", "/Memory"), ("exercises", "/Exercises"), ("compare", "/Compare")):
            page = ctx.new_page()
            page.watched = watch(page, server.url)
            page.goto(server.url + path)
            wait_idle(page, CHARTS[path])
            page.evaluate("() => document.fonts.ready")
            main = page.get_by_test_id("stMain")
            full = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
            page.set_viewport_size({"width": width, "height": min(max(900, full), 8000)})
            wait_idle(page, CHARTS[path])
            page.screenshot(path=SHOTS / f"{name}_{width}_{scheme}.png")
            wide = main.evaluate("m => m.scrollWidth - m.clientWidth")
            assert wide <= 1, f"{name} scrolls sideways by {wide} px at {width} px"
            clean(page)
            page.close()
    finally:
        ctx.close()


@pytest.mark.browser
def test_walk_the_first_three_exercises_and_reload(context, server):
    page = open_page(context, server, "/Exercises", min_charts=0)
    for number, topic, guess in ((1, "Vanishing", "2e-6"), (2, "Exploding", "130000"),
                                 (3, "The float32 zero", "the loss itself rounded to 0")):
        if number > 1:  # each exercise is a deep link (?ex=N opens it); the guesses so far ride along in the link
            query = location(page).split("?", 1)[1] if "?" in location(page) else ""
            kept = "&".join(p for p in query.split("&") if p and not p.startswith("ex="))
            page.goto(f"{server.url}/Exercises?{kept}&ex={number}")
            wait_idle(page, number - 1)
        box = page.get_by_test_id("stExpander").filter(has_text=f"{number} · {topic}")
        if number == 3:
            box.get_by_text(guess, exact=True).click()
        else:
            field = box.get_by_role("spinbutton")
            field.fill(guess)
            field.press("Enter")
        expect(box.get_by_test_id("stAlert")).to_have_count(1)  # how close, and the engine's answer
        wait_idle(page, number)
    url = wait_for_location(page, "q.has('g1') && q.has('g2') && q.get('g3') === 'the loss itself rounded to 0'")
    page.goto(server.url + url)  # a reload: a fresh session from the same link
    wait_idle(page, 3)
    expect(page.get_by_text(re.compile("Progress: 3 of 9 answered"))).to_be_visible()
    clean(page)


@pytest.mark.browser
def test_presenter_view_puts_the_charts_above_a_projectors_fold(browser, server):
    """1024x768 at 150% zoom is a 683x512 window: the first two charts must start inside it."""
    SHOTS.mkdir(exist_ok=True)
    ctx = browser.new_context(viewport={"width": 683, "height": 512}, device_scale_factor=1.5)
    try:
        page = ctx.new_page()
        page.watched = watch(page, server.url)
        page.goto(server.url + "/Explorer?lesson=vanishing&wh=0.1&L=10&present=1&hide=act,offset,h0,wy,wx,dtype,log")
        wait_idle(page, CHARTS["/Explorer"])
        page.screenshot(path=SHOTS / "explorer_projector.png")
        tops = page.evaluate("() => [...document.querySelectorAll('[data-testid=\"stVegaLiteChart\"]')]"
                             ".slice(0, 2).map(c => c.getBoundingClientRect().top)")
        assert all(top < 512 for top in tops), tops
        expect(page.get_by_role("slider", name=WH)).to_be_visible()  # the one knob of the moment is on the page
        expect(page.get_by_role("combobox", name="activation")).to_have_count(0)  # hidden by the link
        clean(page)
    finally:
        ctx.close()


@pytest.mark.browser
def test_the_server_warms_every_pages_defaults_in_the_background(context, server):
    open_page(context, server, "/")  # the first page of the first session starts the warm-up
    line = wait_for_log(server, "tinyrnn warm-up done")  # the server's own signal that it has finished
    for name in ("home", "explorer", "sweep", "training", "memory", "lesson vanishing", "exercise 8"):
        assert f"{name} " in line, line
    assert "warm-up of" not in server.log()  # no job failed
