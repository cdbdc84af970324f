"""The hosted link as Streamlit Community Cloud serves it: its forced settings, and every page still works.

Cloud overrides config.toml with runner.fastReruns = true, server.enableXsrfProtection = true and
client.showErrorDetails = false (docs.streamlit.io, Community Cloud "status" page). Its forced runOnSave and
gatherUsageStats are left out: the test server is started with flags for those, which win over the environment,
and usage stats would send requests off this machine.
"""
from __future__ import annotations

import re

import pytest
from browser_support import (
    TIMEOUT_MS,
    chromium,
    expect,
    require_browser,
    streamlit_server,
    wait_for_location,
    wait_idle,
    watch,
)

CLOUD = {"STREAMLIT_RUNNER_FAST_RERUNS": "true", "STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION": "true",
         "STREAMLIT_CLIENT_SHOW_ERROR_DETAILS": "false"}
PAGES = {"/": 1, "/Explorer": 5, "/Sweep": 7, "/Training": 4, "/Memory": 3, "/Exercises": 0, "/Compare": 2}


@pytest.fixture(scope="module")
def cloud():
    require_browser()
    with streamlit_server(settings=CLOUD) as server, chromium() as browser:
        expect.set_options(timeout=TIMEOUT_MS)
        yield server, browser


@pytest.mark.browser
def test_every_page_under_clouds_settings(cloud):
    server, browser = cloud
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        for path, charts in PAGES.items():
            page = context.new_page()
            watched = watch(page, server.url)
            page.goto(server.url + path)
            wait_idle(page, charts)
            expect(page.get_by_test_id("stException")).to_have_count(0)
            assert not watched.problems(), (path, watched.problems())
            page.close()
    finally:
        context.close()


@pytest.mark.browser
def test_slider_download_and_page_switch_under_clouds_settings(cloud):
    server, browser = cloud
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    try:
        page = context.new_page()
        watched = watch(page, server.url)
        page.goto(server.url + "/Explorer?wh=2.5&L=12")
        wait_idle(page, PAGES["/Explorer"])
        thumb = page.get_by_role("slider", name=re.compile("^wh_init"))
        thumb.focus()
        thumb.press("ArrowRight")
        wait_for_location(page, "q.get('wh') === '2.51'")
        wait_idle(page, PAGES["/Explorer"])
        with page.expect_download() as download:  # XSRF protection on: the download must still pass
            page.get_by_test_id("stDownloadButton").first.get_by_role("button").click()
        assert download.value.path().read_text().startswith("t,")
        page.get_by_test_id("stSidebar").get_by_role("link", name=re.compile("^Sweep")).click()
        wait_for_location(page, "p === '/Sweep' && q.get('wh') === '2.51'")
        wait_idle(page, PAGES["/Sweep"])
        expect(page.get_by_test_id("stException")).to_have_count(0)
        assert not watched.problems(), watched.problems()
    finally:
        context.close()
