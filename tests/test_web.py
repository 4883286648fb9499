"""`booklet serve` in a real browser: one server (a subprocess, tests/webserver.py) and one
headless chromium for the module. The form is filled in as a person would, with and without
JavaScript and with the keyboard alone; the PDFs it downloads are read back; axe-core scans
the pages; and at the end the server's output and its TMPDIR are checked for patient details.

The tests run in the order written: the last ones look at what the earlier ones left behind.
"""
from __future__ import annotations

import concurrent.futures
import datetime as dt
import http.cookiejar
import io
import json
import re
import struct
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pypdf
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from booklet.fhir import patient_from_fhir_file
from booklet.patient import patient_from_data
from booklet.request import BookletRequest, make_booklet
from booklet.resources import bundled

from fhirbundles import SNOMED, patient_bundle
from pdfread import page_count
from webserver import REPO, BookletServer

CHROMIUM = Path("/usr/bin/chromium")   # Debian's; CI installs it from apt
SCREENSHOT = REPO / "docs" / "web-form.png"

# Every patient detail typed in below. None of it may reach the server's output or disk.
ENGLISH = {"name": "Morgan Quillby", "role": "Surgeon", "doctor": "Dr. Ines Halloway",
           "phone": "555-0142", "date": "2031-05-06", "time": "10:00 AM",
           "place": "Quillfield Clinic", "purpose": "Meet the surgeon",
           "medicine": "Zentrivax", "for": "Nausea", "how": "One tablet a day with food"}
SPANISH_NAME = "Lucía Ferrándiz"
NO_JS = {"name": "Nadia Nojsworth", "place": "Northgate Clinic",
         "second_place": "Southgate Hospital"}
SECOND_MEDICINE = "Calmorex"
KEYBOARD_NAME = "Quincy Keyes"
KEYBOARD_PLACE = "Keywick Clinic"
ERROR_NAME = "Erin Errorson"
PREVIEW_NAME = "Petra Previewer"
CLI_NAME = "Sam Example"
CLI_FULL = {"name": "Sam Example", "doctor": "Dr. Vera Crossfield", "place": "Crossfield Hospital",
            "medicine": "Restoquil"}
SCREENSHOT_NAME = "Alex Example"
TOO_LONG_NAME = "Tobias Toolong"
CROWD = ["Alphonse Quarrington", "Beatrix Vandermolen", "Cornelius Ashgrove", "Dagny Fairweather",
         "Evander Thornbury", "Florentyna Okonkwo", "Gideon Marchetti", "Hortensia Blackwood",
         "Ignatius Pemberly", "Jessamyn Oyelaran", "Kasimir Lindqvist", "Leocadia Brannigan",
         "Maximilian Ferncastle", "Nerissa Abernathy", "Octavian Delacroix", "Philippa Strathmore",
         "Quentin Harrowgate", "Rosalind Achterberg", "Sebastian Wolfenden", "Theodora Kingsmere"]
# What the EHR file of tests/fhirbundles.py holds (its name is SCREENSHOT_NAME's, Alex Example)
EHR = ["Alexandra", "Ana Rivera", "Sam Lee", "Pat Green", "555-0101", "555-0102", "Clinic B",
       "Infusion center", "Octreotide LAR", "Omeprazole", "stomach acid"]
PRIVATE = [*(v for k, v in ENGLISH.items() if k not in ("role", "for", "time")), SPANISH_NAME,
           *NO_JS.values(), SECOND_MEDICINE, KEYBOARD_NAME, KEYBOARD_PLACE, ERROR_NAME,
           PREVIEW_NAME, CLI_NAME, *CLI_FULL.values(), SCREENSHOT_NAME, TOO_LONG_NAME, *CROWD,
           *EHR]

ACCESS_LINE = re.compile(r"(GET|POST|HEAD) /\S* \d{3} \d+\.\d\d s")
QUEUE_LINE = re.compile(r"Task queue depth is \d+")   # waitress, when 20 come at once


# -- fixtures ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The one server of the module: .url, .tmp (its TMPDIR) and .output() (stdout+stderr)."""
    running = BookletServer(tmp=tmp_path_factory.mktemp("server-tmpdir"))
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
                    " to run the browser tests")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                              args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def context(browser):
    """JavaScript on, downloads allowed; shared by the tests (each gets a page of its own)."""
    made = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    yield made
    made.close()


@pytest.fixture(scope="module")
def ehr_files(tmp_path_factory):
    """Files to upload (in the tests' own folder, not the server's): the test patient's FHIR
    bundle with its visits in 2098-2099 (so which are still to come never depends on the
    day the tests run) and its Whipple coded as the content's pancreatectomy (plan: surgery);
    a JSON file that is not a bundle; and 11 MB of JSON."""
    folder = tmp_path_factory.mktemp("ehr")
    bundle = patient_bundle()
    for item in bundle["entry"]:
        resource = item["resource"]
        if resource["resourceType"] == "Appointment":
            for key in ("start", "end"):
                resource[key] = resource[key].replace("2026-", "2098-").replace("2027-", "2099-")
        if resource["resourceType"] == "Procedure":
            resource["code"] = {"coding": [{"system": SNOMED, "code": "33149006",
                                            "display": "Pancreatectomy"}]}
    files = {"bundle": folder / "bundle.json", "not a bundle": folder / "patient.json",
             "too large": folder / "too-large.json"}
    files["bundle"].write_text(json.dumps(bundle), encoding="utf-8")
    files["not a bundle"].write_text(json.dumps(bundle["entry"][0]["resource"]),
                                     encoding="utf-8")
    files["too large"].write_text('{"resourceType": "Bundle", "padding": "'
                                  + "x" * (11 * 1024 * 1024) + '"}', encoding="utf-8")
    return files


@pytest.fixture
def page(context):
    opened = context.new_page()
    yield opened
    opened.close()


# -- helpers ----------------------------------------------------------------------------------
def flat(text: str) -> str:
    """Text with every run of spaces and line breaks as one space."""
    return " ".join(text.split())


def download(page, folder: Path, button: str = "#download-button",
             filename: str = "booklet.pdf") -> Path:
    """Click (or press) the download button and save what comes back."""
    with page.expect_download() as info:
        page.click(button)
    return save(info.value, folder, filename)


def save(done, folder: Path, filename: str = "booklet.pdf") -> Path:
    assert done.failure() is None, done.failure()
    assert done.suggested_filename == filename
    path = folder / f"{len(list(folder.glob('*.pdf')))}-{filename}"
    done.save_as(path)
    assert path.read_bytes().startswith(b"%PDF-")
    return path


def submit(page, button: str):
    """Click a submit button and return the response of the page it leads to."""
    with page.expect_navigation() as navigation:
        page.click(button)
    return navigation.value


def fill_english_patient(page) -> None:
    p = ENGLISH
    page.fill("#name", p["name"])
    page.fill("#care_team-0-role", p["role"])
    page.fill("#care_team-0-name", p["doctor"])
    page.fill("#care_team-0-phone", p["phone"])
    page.fill("#visits-0-date", p["date"])
    page.fill("#visits-0-time", p["time"])
    page.fill("#visits-0-place", p["place"])
    page.fill("#visits-0-purpose", p["purpose"])
    page.fill("#medicines-0-name", p["medicine"])
    page.fill("#medicines-0-for", p["for"])
    page.fill("#medicines-0-how", p["how"])


def pdf_texts(path: Path) -> list[str]:
    """The text of each page in content order (pypdf): a table cell's words stay together,
    where reading lines across the page (pdfread.page_texts) interleaves wrapped cells."""
    return [page.extract_text() or "" for page in pypdf.PdfReader(path).pages]


def active_id(page) -> str:
    return page.evaluate("document.activeElement ? document.activeElement.id : ''")


def in_viewport(page, selector: str) -> bool:
    return page.eval_on_selector(selector, """el => { const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && r.top >= -1 && r.left >= -1
               && r.bottom <= innerHeight + 1 && r.right <= innerWidth + 1; }""")


class Session:
    """One person's browser, without a browser: its own cookie and CSRF token (urllib)."""

    def __init__(self, url: str):
        self.url = url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        status, self.form_headers, body = self.get("")
        assert status == 200
        self.token = re.search(r'name="csrf" value="([^"]+)"', body.decode()).group(1)

    def open(self, request: urllib.request.Request):
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.headers, error.read()

    def get(self, path: str):
        return self.open(urllib.request.Request(self.url + path))

    def post(self, fields: dict, token: bool = True):
        fields = {**({"csrf": self.token} if token else {}), **fields}
        body = urllib.parse.urlencode(fields, doseq=True).encode()
        return self.open(urllib.request.Request(self.url, data=body))


# -- 1. filling in the form ---------------------------------------------------------------------
def test_the_filled_in_form_downloads_the_patients_booklet(page, server, tmp_path):
    page.goto(server.url)
    fill_english_patient(page)
    page.check("#section-when-to-call")
    page.check("#plan-surgery")
    path = download(page, tmp_path)
    texts = pdf_texts(path)
    assert ENGLISH["name"] in texts[0]
    whole = flat("\n".join(texts))
    assert "When to call your care team" in whole
    assert "Surgery for a pNET" in whole, "the plan keyword surgery adds its section"
    for detail in ("medicine", "doctor", "phone", "place"):
        assert ENGLISH[detail] in whole, detail


def test_a_booklet_in_spanish_is_spanish(page, server, tmp_path):
    page.goto(server.url)
    page.select_option("#lang", "es")
    page.fill("#name", SPANISH_NAME)
    page.check("#section-when-to-call")
    path = download(page, tmp_path)
    assert str(pypdf.PdfReader(path).trailer["/Root"]["/Lang"]).startswith("es")
    texts = pdf_texts(path)
    assert SPANISH_NAME in texts[0]
    assert "Cuándo llamar al equipo médico" in flat("\n".join(texts))


# -- 2. without JavaScript ----------------------------------------------------------------------
def test_without_javascript_add_a_visit_keeps_what_was_typed_and_the_booklet_downloads(
        browser, server, tmp_path):
    context = browser.new_context(java_script_enabled=False, accept_downloads=True)
    try:
        page = context.new_page()
        page.goto(server.url)
        page.fill("#name", NO_JS["name"])
        page.fill("#visits-0-date", "2031-06-07")
        page.fill("#visits-0-place", NO_JS["place"])
        page.check("#section-when-to-call")
        response = submit(page, "#add-visits")
        assert response.status == 200
        assert response.request.method == "POST"
        assert page.url.endswith("/#visits")
        assert page.locator("#visits fieldset.row").count() == 2
        assert page.input_value("#visits-0-date") == "2031-06-07"
        assert page.input_value("#visits-0-place") == NO_JS["place"]
        assert page.input_value("#name") == NO_JS["name"]
        assert page.is_checked("#section-when-to-call")
        assert page.input_value("#visits-1-date") == ""
        assert page.locator("label[for=visits-1-date]").count() == 1
        page.fill("#visits-1-date", "2031-07-08")
        page.fill("#visits-1-place", NO_JS["second_place"])
        path = download(page, tmp_path)
        texts = pdf_texts(path)
        assert NO_JS["name"] in texts[0]
        whole = flat("\n".join(texts))
        assert NO_JS["place"] in whole and NO_JS["second_place"] in whole
        assert whole.index(NO_JS["place"]) < whole.index(NO_JS["second_place"])
        assert "When to call your care team" in whole
    finally:
        context.close()


# -- 3. with JavaScript: a row in place ---------------------------------------------------------
def test_add_a_medicine_adds_a_row_in_place_and_focuses_it(page, server, tmp_path):
    page.goto(server.url)
    page.evaluate("window.stillTheSamePage = true")
    posts = []
    page.on("request", lambda request: posts.append(request.url)
            if request.method == "POST" else None)
    page.fill("#name", ENGLISH["name"])
    page.fill("#medicines-0-name", ENGLISH["medicine"])
    page.click("#add-medicines")
    assert page.evaluate("window.stillTheSamePage === true"), "the page was reloaded"
    assert posts == []
    assert page.locator("#medicines fieldset.row").count() == 2
    assert active_id(page) == "medicines-1-name"
    assert page.input_value("input[name=medicines_rows]") == "2"
    assert page.input_value("#medicines-0-name") == ENGLISH["medicine"]
    assert page.input_value("#medicines-1-name") == ""
    assert page.locator("label[for=medicines-1-name]").count() == 1
    assert page.locator("#medicines fieldset.row").nth(1).locator("legend").inner_text() == "Row 2"
    page.keyboard.type(SECOND_MEDICINE)
    page.fill("#medicines-1-for", "Sleep")
    page.check("#section-when-to-call")
    whole = flat("\n".join(pdf_texts(download(page, tmp_path))))
    assert ENGLISH["medicine"] in whole and SECOND_MEDICINE in whole


# -- 4. the keyboard alone ----------------------------------------------------------------------
def tab_to(page, target: str, limit: int = 200) -> None:
    """Press Tab until the element with id `target` has the focus."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        seen.append(active_id(page))
        if seen[-1] == target:
            return
    pytest.fail(f"Tab never reached #{target}; it went through {seen[:60]}")


def test_the_keyboard_alone_fills_in_the_form_and_downloads(page, server, tmp_path):
    page.goto(server.url)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert in_viewport(page, ".skip-link"), "the focused skip link is on screen"
    tab_to(page, "section-when-to-call")
    page.keyboard.press("Space")
    assert page.is_checked("#section-when-to-call")
    tab_to(page, "name")
    page.keyboard.type(KEYBOARD_NAME)
    tab_to(page, "visits-0-date")
    page.keyboard.type("2031-08-09")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert active_id(page) == "visits-0-place"
    page.keyboard.type(KEYBOARD_PLACE)
    tab_to(page, "download-button")
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    texts = pdf_texts(save(info.value, tmp_path))
    assert KEYBOARD_NAME in texts[0]
    whole = flat("\n".join(texts))
    assert KEYBOARD_PLACE in whole
    assert "When to call your care team" in whole


# -- 5. errors ----------------------------------------------------------------------------------
def test_a_bad_date_is_named_at_the_top_and_next_to_its_field(page, server):
    page.goto(server.url)
    page.fill("#name", ERROR_NAME)
    page.fill("#visits-0-date", "2027-13-01")
    response = submit(page, "#preview-button")
    assert response.status == 422
    assert page.title().startswith("There is a problem")
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert summary.get_attribute("role") == "alert"
    assert active_id(page) == "error-summary"
    links = page.locator("#error-summary a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == ["#visits-0-date"]
    error = page.locator("#visits-0-date-error")
    assert error.is_visible() and error.inner_text().strip()
    field = page.locator("#visits-0-date")
    assert field.get_attribute("aria-invalid") == "true"
    assert "visits-0-date-error" in field.get_attribute("aria-describedby").split()
    assert page.input_value("#name") == ERROR_NAME
    assert page.input_value("#visits-0-date") == "2027-13-01"
    links.first.click()
    assert active_id(page) == "visits-0-date"
    assert in_viewport(page, "#visits-0-date")


def test_after_the_error_link_the_fields_label_and_message_are_on_screen_too(page, server):
    """Jumping to the field must not scroll its label and its error message off the top."""
    page.goto(server.url)
    page.fill("#visits-0-date", "2027-13-01")
    assert submit(page, "#preview-button").status == 422
    page.click("#error-summary a[href='#visits-0-date']")
    assert active_id(page) == "visits-0-date"
    hidden = [what for what in ("label[for=visits-0-date]", "#visits-0-date-error")
              if not in_viewport(page, what)]
    assert hidden == [], f"above the screen after the link: {hidden}"


def test_a_care_team_row_with_only_a_phone_says_what_is_missing(page, server):
    page.goto(server.url)
    page.fill("#care_team-0-phone", "555-0199")
    response = submit(page, "#download-button")
    assert response.status == 422
    hrefs = page.eval_on_selector_all("#error-summary a",
                                      "links => links.map(a => a.getAttribute('href'))")
    assert "#care_team-0-role" in hrefs
    assert "is missing" in page.inner_text("#care_team-0-role-error")
    assert page.input_value("#care_team-0-phone") == "555-0199"


# -- 6. preview ---------------------------------------------------------------------------------
def test_the_preview_counts_the_pages_the_download_has(page, server, tmp_path):
    page.goto(server.url)
    page.fill("#name", PREVIEW_NAME)
    page.check("#section-surgery")
    response = submit(page, "#preview-button")
    assert response.status == 200
    summary = page.inner_text("#preview-summary")
    found = re.match(r"(\d+) pages, (\d+) sheets of paper printed on both sides", summary)
    assert found, summary
    pages, sheets = int(found.group(1)), int(found.group(2))
    assert sheets == (pages + 1) // 2
    pictures = page.locator("#preview img")
    assert pictures.count() >= 1
    for i in range(pictures.count()):
        assert (pictures.nth(i).get_attribute("alt") or "").strip()
        assert pictures.nth(i).evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.input_value("#name") == PREVIEW_NAME, "the form keeps what was typed"
    assert page.is_checked("#section-surgery")
    path = download(page, tmp_path)
    assert page_count(path) == pages
    assert PREVIEW_NAME in pdf_texts(path)[0]


# -- 7. axe-core --------------------------------------------------------------------------------
def fill_in_from(page, path: Path):
    """Choose the file in the form's file input and press "Fill in from this file"."""
    page.set_input_files("#fhir_file", str(path))
    return submit(page, "#fhir-button")


def prepare(page, url: str, state: str, ehr_files: dict | None = None) -> None:
    if state == "the empty form":
        page.goto(url)
    elif state == "the form with errors":
        page.goto(url)
        page.fill("#name", ERROR_NAME)
        page.fill("#care_team-0-phone", "555-0199")
        page.fill("#visits-0-date", "2027-13-01")
        assert submit(page, "#preview-button").status == 422
    elif state == "the preview":
        page.goto(url)
        page.check("#section-when-to-call")
        assert submit(page, "#preview-button").status == 200
        page.wait_for_selector("#preview img")
    elif state == "the Spanish form":
        page.goto(url + "?ui=es")
        assert page.get_attribute("html", "lang") == "es"
    elif state == "the form filled in from a file":
        page.goto(url)
        assert fill_in_from(page, ehr_files["bundle"]).status == 200
        assert page.is_visible("#notice")
    elif state == "the Spanish form filled in from a file":
        page.goto(url + "?ui=es")
        assert fill_in_from(page, ehr_files["bundle"]).status == 200
        assert page.get_attribute("html", "lang") == "es" and page.is_visible("#notice")
    elif state == "a file that is not a bundle":
        page.goto(url)
        assert fill_in_from(page, ehr_files["not a bundle"]).status == 422


def describe(violations: list[dict]) -> str:
    out = []
    for violation in violations:
        out.append(f"{violation['id']} ({violation.get('impact')}): {violation['help']}")
        for node in violation["nodes"]:
            out.append(f"    {', '.join(str(t) for t in node['target'])}")
    return "\n".join(out)


@pytest.mark.parametrize("state", ["the empty form", "the form with errors", "the preview",
                                   "the Spanish form", "the form filled in from a file",
                                   "the Spanish form filled in from a file",
                                   "a file that is not a bundle"])
def test_axe_finds_no_violations_on(state, page, server, ehr_files):
    prepare(page, server.url, state, ehr_files)
    results = Axe().run(page)
    report = describe(results.response["violations"])
    if report:
        print(report)
    assert results.violations_count == 0, report


# -- 8. layout and type size --------------------------------------------------------------------
OVERFLOW = "document.documentElement.scrollWidth"
CONTROLS = """() => [...document.querySelectorAll('input, select, textarea, button')]
    .filter(el => el.type !== 'hidden' && !el.closest('[hidden]'))
    .map(el => { const r = el.getBoundingClientRect();
                 return {id: el.id || el.name || el.outerHTML.slice(0, 60), left: r.left,
                         right: r.right, width: r.width, height: r.height}; })"""


@pytest.mark.parametrize("state", ["the empty form", "the form with errors", "the preview",
                                   "the form filled in from a file",
                                   "a file that is not a bundle"])
def test_at_320_px_wide_nothing_scrolls_sideways(state, page, server, ehr_files):
    page.set_viewport_size({"width": 320, "height": 800})
    prepare(page, server.url, state, ehr_files)
    assert page.evaluate(OVERFLOW) <= 320


def test_at_200_percent_zoom_every_field_is_on_screen_and_usable(page, server):
    page.set_viewport_size({"width": 640, "height": 800})
    page.goto(server.url)
    page.evaluate("document.body.style.zoom = '2'")
    assert page.evaluate(OVERFLOW) <= 640
    width = page.evaluate("innerWidth")
    off = [c for c in page.evaluate(CONTROLS)
           if c["width"] <= 0 or c["height"] <= 0 or c["left"] < 0 or c["right"] > width + 0.5]
    assert off == [], f"fields not wholly on screen at 200%: {off[:10]}"
    page.click("#section-when-to-call")
    assert page.is_checked("#section-when-to-call")
    page.click("#name")
    assert active_id(page) == "name"


TEXT_SIZES = """() => [...document.querySelectorAll(
        'body p, label, legend, .hint, .field-error, li, a, input, select, textarea, button')]
    .filter(el => !['hidden', 'checkbox', 'radio'].includes(el.type) && el.getClientRects().length
                  && !el.closest('[hidden]') && !el.closest('.visually-hidden')
                  && (el.textContent.trim() || el.matches('input, select, textarea')))
    .map(el => ({what: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                       + (el.className ? '.' + el.className : ''),
                 size: parseFloat(getComputedStyle(el).fontSize)}))"""


@pytest.mark.parametrize("state", ["the form with errors", "the preview",
                                   "the form filled in from a file"])
def test_body_text_labels_hints_fields_and_buttons_are_at_least_18_px(state, page, server,
                                                                       ehr_files):
    prepare(page, server.url, state, ehr_files)
    sizes = page.evaluate(TEXT_SIZES)
    kinds = {s["what"].split("#")[0].split(".")[0] for s in sizes}
    assert {"p", "label", "input", "button", "select", "textarea"} <= kinds
    assert any(".hint" in s["what"] for s in sizes)
    small = [s for s in sizes if s["size"] < 18]
    assert small == [], f"text under 18 px: {small[:10]}"


# -- 9. the same PDF as the command line ----------------------------------------------------------
def test_the_form_makes_the_same_bytes_as_make_booklet(page, server, tmp_path):
    page.goto(server.url)
    page.fill("#name", CLI_NAME)
    page.check("#section-when-to-call")
    page.check("#format-booklet")
    page.select_option("#style", "default")
    path = download(page, tmp_path)
    expected = make_booklet(BookletRequest(
        sections=("when-to-call",),
        patient=patient_from_data({"name": CLI_NAME}, "x"))).pdf
    assert path.read_bytes() == expected


def test_the_form_with_every_patient_field_makes_the_same_bytes_as_booklet_build(
        page, server, tmp_path):
    patient = tmp_path / "P.yaml"
    patient.write_text(
        f"name: {CLI_FULL['name']}\n"
        f"care_team:\n  - role: Surgeon\n    name: {CLI_FULL['doctor']}\n"
        f"    phone: \"555-0170\"\n"
        f"visits:\n  - date: 2031-09-10\n    time: \"8:15 AM\"\n"
        f"    place: {CLI_FULL['place']}\n    purpose: Surgery\n"
        f"medicines:\n  - name: {CLI_FULL['medicine']}\n    for: Pain\n"
        f"    how: One tablet every 6 hours if needed\n"
        f"plan: [octreotide]\n"
        f"notes: |\n  Bring your questions.\n\n  Call us with a fever.\n", encoding="utf-8")
    cli_pdf = tmp_path / "cli.pdf"
    built = subprocess.run(
        [sys.executable, "-m", "booklet", "build", "--section", "when-to-call", "--patient",
         str(patient), "-o", str(cli_pdf)], capture_output=True, text=True, timeout=120,
        cwd=REPO)
    assert built.returncode == 0, built.stderr
    page.goto(server.url)
    page.fill("#name", CLI_FULL["name"])
    page.fill("#care_team-0-role", "Surgeon")
    page.fill("#care_team-0-name", CLI_FULL["doctor"])
    page.fill("#care_team-0-phone", "555-0170")
    page.fill("#visits-0-date", "2031-09-10")
    page.fill("#visits-0-time", "8:15 AM")
    page.fill("#visits-0-place", CLI_FULL["place"])
    page.fill("#visits-0-purpose", "Surgery")
    page.fill("#medicines-0-name", CLI_FULL["medicine"])
    page.fill("#medicines-0-for", "Pain")
    page.fill("#medicines-0-how", "One tablet every 6 hours if needed")
    page.check("#plan-octreotide")
    page.fill("#notes", "Bring your questions.\n\nCall us with a fever.\n")
    page.check("#section-when-to-call")
    path = download(page, tmp_path)
    assert path.read_bytes() == cli_pdf.read_bytes()


# -- 9b. filled in from the EHR's file ----------------------------------------------------------
def test_a_fhir_bundle_fills_in_the_form_and_downloads_the_bytes_build_makes(
        page, server, tmp_path, ehr_files):
    page.goto(server.url)
    page.check("#section-when-to-call")          # a choice made before the upload stays
    page.fill("#name", "Someone Else")            # a detail typed before it is replaced
    assert page.get_attribute("#fhir_file", "accept") == \
        ".json,application/fhir+json,application/json"
    posted = []
    page.on("request", lambda r: posted.append(r.headers.get("content-type", ""))
            if r.method == "POST" else None)
    response = fill_in_from(page, ehr_files["bundle"])
    assert response.status == 200
    assert response.headers.get("cache-control") == "no-store"
    assert posted and posted[0].startswith("multipart/form-data")
    notice = page.locator("#notice")
    assert notice.get_attribute("role") == "status"
    assert ("Filled in from the file. Check every field before you make the booklet."
            in notice.inner_text())
    assert active_id(page) == "notice", "the notice is read out first"
    assert page.locator("#error-summary").count() == 0
    assert page.input_value("#name") == "Alex Example"
    team = [[page.input_value(f"#care_team-{i}-{c}") for c in ("role", "name", "phone")]
            for i in range(page.locator("#care_team fieldset.row").count())]
    assert team == [["Surgeon", "Dr. Ana Rivera", "555-0101"],
                    ["Nurse navigator", "Sam Lee, RN", "555-0102"],
                    ["Dietitian", "Pat Green", ""]]
    visits = [[page.input_value(f"#visits-{i}-{c}") for c in ("date", "time", "place",
                                                               "purpose")]
              for i in range(page.locator("#visits fieldset.row").count())]
    assert visits == [["2098-12-10", "9:30 AM", "Clinic B, 2nd floor", "Surgery follow-up"],
                      ["2099-01-05", "2:30 PM", "Infusion center", "Oncology follow-up"]], \
        "booked and pending ones only, by date"
    medicines = [[page.input_value(f"#medicines-{i}-{c}") for c in ("name", "for", "how")]
                 for i in range(page.locator("#medicines fieldset.row").count())]
    assert medicines == [
        ["Octreotide LAR", "Pancreatic neuroendocrine tumor",
         "30 mg into the buttock muscle every 4 weeks Your nurse gives it at the clinic."],
        ["Omeprazole 20 MG", "stomach acid", "1 capsule before breakfast"]]
    assert page.is_checked("#plan-surgery"), "the pancreatectomy code adds surgery"
    assert page.is_checked("#section-when-to-call")
    assert page.input_value("#fhir_file") == "", "the file is not sent again"
    path = download(page, tmp_path)
    patient, _ = patient_from_fhir_file(ehr_files["bundle"], dt.date.today(), bundled("content"))
    expected = make_booklet(BookletRequest(sections=("when-to-call",), patient=patient)).pdf
    assert path.read_bytes() == expected


def test_a_file_that_is_not_a_bundle_is_one_error_at_the_top_and_the_form_still_works(
        page, server, tmp_path, ehr_files):
    page.goto(server.url)
    page.fill("#name", ERROR_NAME)
    response = fill_in_from(page, ehr_files["not a bundle"])
    assert response.status == 422
    assert response.headers.get("cache-control") == "no-store"
    summary = page.locator("#error-summary")
    assert summary.get_attribute("role") == "alert" and active_id(page) == "error-summary"
    items = page.locator("#error-summary li")
    assert items.count() == 1
    assert "not a FHIR Bundle" in items.first.inner_text()
    assert "Traceback" not in page.inner_text("body")
    assert page.get_attribute("#error-summary a", "href") == "#fhir_file"
    assert "not a FHIR Bundle" in page.inner_text("#fhir_file-error")
    assert "fhir_file-error" in page.get_attribute("#fhir_file", "aria-describedby").split()
    assert page.input_value("#name") == ERROR_NAME, "what was typed is kept"
    page.check("#section-when-to-call")
    texts = pdf_texts(download(page, tmp_path))
    assert ERROR_NAME in texts[0]


def test_pressing_the_button_without_a_file_says_to_choose_one(page, server):
    page.goto(server.url)
    response = submit(page, "#fhir-button")
    assert response.status == 422
    assert page.locator("#error-summary li").count() == 1
    assert "no file was chosen" in page.inner_text("#fhir_file-error")


def test_an_11_mb_file_gets_a_readable_too_large_page_and_the_server_goes_on(
        page, server, tmp_path, ehr_files):
    page.goto(server.url)
    response = fill_in_from(page, ehr_files["too large"])
    status, cache = response.status, response.headers.get("cache-control")
    text, back = page.inner_text("body"), page.locator("main a[href='/']").count()
    assert page.goto(server.url).status == 200
    assert fill_in_from(page, ehr_files["bundle"]).status == 200, "a good file still reads"
    page.check("#section-when-to-call")
    assert page_count(download(page, tmp_path)) > 0
    assert status == 413, text[:300]
    assert cache == "no-store"
    assert "The file was too large to read" in text and "10 MB" in text
    assert back == 1


# -- 10. many at once ---------------------------------------------------------------------------
def test_twenty_people_at_once_each_get_only_their_own_patient(server):
    def one(name: str) -> tuple[str, int, str, bytes]:
        session = Session(server.url)
        status, headers, body = session.post({
            "ui": "en", "action": "download", "format": "booklet", "section": "when-to-call",
            "style": "default", "lang": "en", "name": name})
        return name, status, headers.get("Content-Type", ""), body

    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        results = list(pool.map(one, CROWD))
    problems = []
    for name, status, kind, body in results:
        if status != 200 or kind != "application/pdf" or not body.startswith(b"%PDF-"):
            problems.append(f"{name}: {status} {kind} {body[:80]!r}")
            continue
        texts = [p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(body)).pages]
        if name not in flat(texts[0]):
            problems.append(f"{name}: not on page 1")
        whole = flat("\n".join(texts))
        others = [other for other in CROWD if other != name
                  and (other in whole or other.split()[1] in whole)]
        if others:
            problems.append(f"{name}: also holds {others}")
    assert problems == []


# -- 11. headers, tokens, limits ----------------------------------------------------------------
def test_every_response_says_no_store(server):
    session = Session(server.url)
    checked = {"GET /": session.form_headers}
    for path in ("?ui=es", "static/booklet.css", "static/form.js", "no-such-page"):
        checked[f"GET /{path}"] = session.get(path)[1]
    for action, fields in {"preview": {}, "download": {},
                           "add-visits": {}, "bad date": {"visits_rows": "1",
                                                          "visits-0-date": "2027-13-01"}}.items():
        status, headers, _ = session.post({"action": action if action != "bad date"
                                           else "preview", "section": "when-to-call", **fields})
        checked[f"POST {action} {status}"] = headers
    checked["POST without a token"] = session.post({"action": "preview"}, token=False)[1]
    wrong = {name: headers.get("Cache-Control") for name, headers in checked.items()
             if headers.get("Cache-Control") != "no-store"}
    assert wrong == {}
    assert "POST download 200" in checked and "POST bad date 422" in checked


def test_a_post_without_its_token_is_refused(server):
    session = Session(server.url)
    fields = {"action": "download", "section": "when-to-call", "name": TOO_LONG_NAME}
    for attempt in (session.post(fields, token=False),
                    session.post({**fields, "csrf": "not-the-token"}, token=False),
                    Session(server.url).post({**fields, "csrf": session.token}, token=False)):
        status, headers, body = attempt
        assert status == 400
        assert not body.startswith(b"%PDF")
        assert b"The form had expired" in body


def test_a_form_over_64_kb_gets_a_readable_413_page_and_the_server_goes_on(page, server,
                                                                           tmp_path):
    page.goto(server.url)
    page.fill("#name", TOO_LONG_NAME)
    page.fill("#notes", "x" * 100_000)
    response = submit(page, "#preview-button")
    status, cache = response.status, response.headers.get("cache-control")
    text, back = page.inner_text("body"), page.locator("main a[href='/']").count()
    # whatever that answer was, the server still serves the form and makes PDFs
    assert page.goto(server.url).status == 200
    page.check("#section-when-to-call")
    assert page_count(download(page, tmp_path)) > 0
    assert status == 413, text[:300]
    assert cache == "no-store"
    assert "The form was too large to read" in text
    assert back == 1, "the message page links back to the form"


# -- 12. the README's picture -------------------------------------------------------------------
def test_a_screenshot_of_the_form_with_a_preview_is_saved_for_the_readme(page, server):
    page.set_viewport_size({"width": 1000, "height": 1500})
    page.goto(server.url)
    page.fill("#name", SCREENSHOT_NAME)
    page.check("#section-when-to-call")
    assert submit(page, "#preview-button").status == 200
    assert page.is_visible("#preview-summary")
    page.wait_for_function("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    page.evaluate("window.scrollTo(0, 0)")
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))   # the top: the preview and the first choices
    data = SCREENSHOT.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1000, 1500)


# -- 13. what the server kept (run last) ----------------------------------------------------------
def settled_output(server) -> str:
    """All the server has printed, once the log line of one last request has come through."""
    session = Session(server.url)
    session.get("end-of-the-tests")
    assert server.wait_for_output("GET /end-of-the-tests 404"), server.output()[-2000:]
    return server.output()


def test_the_server_output_and_tmpdir_hold_no_patient_details(server):
    output = settled_output(server)
    assert "POST / 200" in output, "the access log was captured"
    leaked = [word for word in PRIVATE if word.lower() in output.lower()]
    assert leaked == []
    assert re.findall(r"\?\S*=", output) == [], "a query string reached the log"
    assert sorted(str(p) for p in server.tmp.rglob("*")) == []


def test_the_server_output_is_the_address_and_access_log_lines_only(server):
    lines = settled_output(server).splitlines()
    assert lines[0].startswith("booklet serve: open http://127.0.0.1:")
    other = [line for line in lines[1:]
             if not (ACCESS_LINE.fullmatch(line) or QUEUE_LINE.fullmatch(line))]
    assert other == [], "\n".join(other[:40])
