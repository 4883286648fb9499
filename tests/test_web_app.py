"""The web form's rules that need no browser (Flask's test client): its catalogues, the time
limit, the row limit and the warning for a server other computers can reach."""
from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest

import booklet.web
from booklet.web import create_app
from booklet.web.strings import FOLDER, ui_strings


@pytest.fixture(scope="module")
def app():
    return create_app()


def token(client, path: str = "/") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def test_both_interface_catalogues_hold_the_same_strings():
    languages = sorted(p.stem for p in FOLDER.glob("*.yaml"))
    assert languages == ["en", "es"]
    english = ui_strings("en")
    for code in languages:
        strings = ui_strings(code)
        assert set(strings) == set(english), code
        assert all(isinstance(v, str) and v.strip() for v in strings.values()), code


def test_every_string_on_the_spanish_form_comes_from_its_catalogue(app):
    page = app.test_client().get("/?ui=es").get_data(as_text=True)
    assert '<html lang="es">' in page
    for key in ("title", "what_legend", "download_button", "preview_button", "add_visits"):
        assert ui_strings("es")[key] in page
    for english in ("Download PDF", "Show a preview", "Add a visit", "What to print"):
        assert english not in page


def test_a_build_over_the_time_limit_says_so_in_one_line(app, monkeypatch):
    monkeypatch.setattr(booklet.web, "BUILD_SECONDS", 0.0001)
    client = app.test_client()
    done = client.post("/", data={"csrf": token(client), "action": "download",
                                  "format": "booklet", "preset": "all"})
    page = done.get_data(as_text=True)
    assert done.status_code == 422 and done.mimetype == "text/html"
    assert ui_strings("en")["too_slow"] in page


def test_adding_a_row_past_the_limit_says_what_the_limit_is(app):
    client = app.test_client()
    fields = {"csrf": token(client), "action": "add-care_team", "care_team_rows": "12"}
    for i in range(12):
        fields |= {f"care_team-{i}-role": "Nurse", f"care_team-{i}-name": f"Nurse {i}"}
    done = client.post("/", data=fields)
    page = done.get_data(as_text=True)
    assert done.status_code == 422
    assert "at most 12 rows" in page and 'href="#care_team"' in page
    assert page.count('class="row"') >= 12 and "Nurse 11" in page, "what was typed is kept"


def test_serving_beyond_this_computer_prints_a_warning():
    server = subprocess.Popen([sys.executable, "-m", "booklet", "serve", "--host", "0.0.0.0",
                               "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    try:
        first = server.stdout.readline()
        assert first.startswith("booklet serve: open http://0.0.0.0:")
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=10)
    warnings = [line for line in errors.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "--host 0.0.0.0" in warnings[0] and "HTTPS" in warnings[0]


def test_bad_content_stops_serve_in_one_line_before_it_listens(tmp_path):
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "booklet", "serve", "--port", "0",
                           "--content", str(tmp_path)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr
    assert time.monotonic() - started < 30


def test_a_bug_logs_its_kind_only_and_shows_a_page(app, monkeypatch, caplog):
    import booklet.request

    def broken(request, workshop=None):
        raise ValueError(f"nothing of {request.patient.name} may be logged")

    monkeypatch.setattr(booklet.request, "make_booklet", broken)
    client = app.test_client()
    with caplog.at_level("INFO"):
        done = client.post("/", data={"csrf": token(client), "action": "download",
                                      "name": "Wilhelmina Secretson"})
    assert done.status_code == 500
    assert ui_strings("en")["internal_error"] in done.get_data(as_text=True)
    assert "internal error (ValueError) on POST /" in caplog.text
    assert "Wilhelmina" not in caplog.text
