"""Every page fits a phone: no horizontal scrolling at 360 and 390 px, for every term page of the
curated store and every other page, in Debian's chromium."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import glossary

from conftest import TERMS_CSV, served

pytestmark = pytest.mark.browser

WIDTHS = (360, 390)
#: What the page's widest element is, for the failure message.
WIDEST = """() => {
  let widest = null, right = 0;
  for (const node of document.querySelectorAll('body *')) {
    const r = node.getBoundingClientRect();
    if (r.right > right) { right = r.right; widest = node; }
  }
  return [document.documentElement.scrollWidth, widest ? widest.tagName + '.' + widest.className + ' '
          + (widest.textContent || '').slice(0, 60) : ''];
}"""


@pytest.fixture(scope="module")
def curated_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("layout") / "glossary.sqlite3"
    store = glossary.open(f"sqlite:///{path}")  # seeded from terms.csv
    store.engine.dispose()
    with served(f"sqlite:///{path}", path.parent / "serve.log", workers=2, threads=1) as url:
        yield url


@pytest.fixture
def phone(browser: Any, curated_url: str) -> Iterator[Any]:
    context = browser.new_context(base_url=curated_url, viewport={"width": WIDTHS[0], "height": 780})
    page = context.new_page()
    yield page
    context.close()


def overflow(page: Any, widths: tuple[int, ...] = WIDTHS) -> list[str]:
    """The widths at which the page scrolls sideways, with its widest element (looked for only
    then: walking every element is most of a check's cost)."""
    found = []
    for width in widths:
        page.set_viewport_size({"width": width, "height": 780})
        if page.evaluate("document.documentElement.scrollWidth") > width:
            scroll, widest = page.evaluate(WIDEST)
            found.append(f"{width}px: {scroll}px wide, {widest}")
    return found


OTHER_PAGES = ["/", "/?q=mingyun", "/?q=partnership", "/?q=zzqqxx", "/browse", "/browse?domain=institutions",
               "/browse?letter=Z", "/annotate", "/export", "/about", "/api", "/terms/no-such-term",
               "/export/download?format=sheet-csv&domain=general"]


def test_every_other_page_fits_a_phone(phone: Any) -> None:
    wide = {}
    for url in OTHER_PAGES:
        phone.goto(url)
        if problems := overflow(phone):
            wide[url] = problems
    for language, text in (("zh", "中华人民共和国和哈萨克斯坦共和国关于进一步深化全面战略伙伴关系的联合声明：双方重申坚持一个中国原则，"
                                   "共建“一带一路”国际合作高峰论坛，推动中国—吉尔吉斯斯坦—乌兹别克斯坦铁路建设。"),
                           ("en", "The One Belt, One Road strategy and the community of common destiny: "
                                  "https://www.example.org/a/very/long/path/that/never/breaks/anywhere/at/all.html")):
        phone.goto("/annotate")
        phone.fill("#text", text)
        phone.click("button[value=annotate]")
        if problems := overflow(phone):
            wide[f"annotate {language}"] = problems
    assert not wide, wide


#: Term pages checked at once, each in a frame of a phone's width: a frame lays its page out as a
#: phone's viewport of that width would (media queries and all), and loading a batch of frames
#: costs far less than a navigation per page (1,689 pages: 300 s one by one on a slow machine).
FRAMES = 30
#: Each frame's width at which its page scrolls sideways, for the frames a page holds.
FRAMES_WIDE = """width => Array.from(document.querySelectorAll('iframe'), frame => {
  frame.style.width = width + 'px';
  const root = frame.contentDocument.documentElement;
  return [frame.dataset.id, root.scrollWidth, root.clientWidth];
})"""


def test_every_term_page_fits_a_phone(phone: Any) -> None:
    ids = [term.id for term in glossary.csvio.read_terms(TERMS_CSV)]
    phone.set_viewport_size({"width": 1280, "height": 780})
    phone.goto("/about")
    wide: dict[str, list[str]] = {}
    checked = 0
    for start in range(0, len(ids), FRAMES):
        batch = ids[start:start + FRAMES]
        # frames as tall as a page, so that none shows a scroll bar that would narrow it
        # each page's HTML as the server sends it, in a frame of this origin (the pages themselves
        # refuse to be framed: X-Frame-Options DENY)
        phone.evaluate("""ids => Promise.all(ids.map(id => fetch('/terms/' + encodeURIComponent(id))
            .then(response => response.text()))).then(pages => new Promise(done => {
          let left = ids.length;
          document.body.replaceChildren(...ids.map((id, at) => {
            const frame = document.createElement('iframe');
            frame.dataset.id = id;
            frame.style.cssText = 'display:block;border:0;height:20000px;width:360px';
            frame.onload = () => { if (--left === 0) done(); };
            frame.srcdoc = pages[at];
            return frame;
          }));
        }))""", batch)
        for width in WIDTHS:
            for term_id, scroll, client in phone.evaluate(FRAMES_WIDE, width):
                assert client == width, f"{term_id}: a frame {client}px wide, not {width}px"
                checked += 1
                if scroll > width:
                    wide.setdefault(term_id, []).append(f"{width}px: {scroll}px wide")
    assert checked == len(ids) * len(WIDTHS)
    assert not wide, f"{len(wide)} of {len(ids)} term pages scroll sideways: " + str(dict(list(wide.items())[:10]))


def test_real_term_pages_at_phone_and_desktop_width(phone: Any) -> None:
    """Screenshots of two real entries (test-artifacts/screenshots), looked at by a person."""
    from test_browser import DESKTOP, MOBILE, SHOTS

    SHOTS.mkdir(parents=True, exist_ok=True)
    for term_id in ("belt-and-road-initiative", "aiib"):
        phone.goto(f"/terms/{term_id}")
        for label, size in (("mobile", MOBILE), ("desktop", DESKTOP)):
            phone.set_viewport_size(size)
            phone.screenshot(path=str(SHOTS / f"curated-{term_id}-{label}.png"), full_page=True)
        assert not overflow(phone)
