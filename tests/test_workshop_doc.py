"""docs/WORKSHOP.md: every link in the plan opens its page cleanly (no exception, no warning about the link)."""
import re
import urllib.parse

import pytest
from app_support import open_page, warnings
from conftest import ROOT

DOC = ROOT / "docs" / "WORKSHOP.md"
PAGE_OF = {"": "home", "Explorer": "explorer", "Sweep": "sweep", "Training": "training", "Memory": "memory",
           "Exercises": "exercises", "Compare": "compare"}
LINKS = sorted(set(re.findall(r"\]\((http://localhost:8501/[^)]*)\)", DOC.read_text())))


def test_the_plan_has_a_link_for_every_page():
    pages = {urllib.parse.urlsplit(link).path.strip("/") for link in LINKS}
    assert pages == set(PAGE_OF), pages


@pytest.mark.parametrize("link", LINKS)
def test_each_link_opens_cleanly(link):
    parts = urllib.parse.urlsplit(link)
    params = {k: v if len(v) > 1 else v[0] for k, v in urllib.parse.parse_qs(parts.query).items()}
    at = open_page(PAGE_OF[parts.path.strip("/")], **params)
    assert not at.exception, [e.value for e in at.exception]
    assert not warnings(at), warnings(at)
    if "lesson" in params:  # a lesson link shows its lesson's sentence
        assert any("**" in i.value for i in at.info), [i.value for i in at.info]
