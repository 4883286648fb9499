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


# -- filling the form in from a FHIR bundle (POST /fhir) ----------------------------------------
def upload(client, payload, csrf=None, name: str = "bundle.json", **fields):
    """POST /fhir with a file (a dict as JSON, or bytes) like the form's multipart upload."""
    import io
    import json

    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    form = {"ui": "en", "fhir_file": (io.BytesIO(data), name), **fields}
    if csrf is not None:
        form["csrf"] = csrf
    return client.post("/fhir", data=form, content_type="multipart/form-data")


def future_bundle(**options):
    from fhirbundles import patient_bundle

    bundle = patient_bundle(**options)
    for item in bundle["entry"]:
        if item["resource"]["resourceType"] == "Appointment":
            item["resource"]["start"] = item["resource"]["start"].replace("202", "209")
    return bundle


def test_the_fhir_route_refuses_a_missing_or_wrong_csrf_token(app):
    client = app.test_client()
    right = token(client)
    other = app.test_client()
    attempts = {"missing": upload(client, future_bundle()),
                "wrong": upload(client, future_bundle(), csrf="not-the-token"),
                "another session's": upload(other, future_bundle(), csrf=right)}
    for what, done in attempts.items():
        page = done.get_data(as_text=True)
        assert done.status_code == 400, what
        assert ui_strings("en")["expired"] in page, what
        assert "Alex Example" not in page, what
        assert done.headers["Cache-Control"] == "no-store", what
    assert upload(client, future_bundle(), csrf=right).status_code == 200


def test_only_the_fhir_route_takes_more_than_64_kb(app):
    client = app.test_client()
    bundle = future_bundle()
    bundle["entry"].append({"resource": {"resourceType": "Observation", "id": "big",
                                         "note": [{"text": "x" * 200_000}]}})
    done = upload(client, bundle, csrf=token(client))
    assert done.status_code == 200 and 'value="Alex Example"' in done.get_data(as_text=True)
    assert client.post("/", data={"csrf": token(client), "notes": "x" * 200_000}
                       ).status_code == 413
    too_big = upload(client, b"x" * (11 * 1024 * 1024), csrf=token(client))
    assert too_big.status_code == 413
    assert ui_strings("en")["fhir_too_large"] in too_big.get_data(as_text=True).replace(
        "&#39;", "'")


def test_an_upload_stays_in_memory(app, monkeypatch):
    import tempfile

    def no_disk(*args, **kwargs):
        raise AssertionError("an upload reached a temporary file")

    for name in ("TemporaryFile", "SpooledTemporaryFile", "NamedTemporaryFile", "mkstemp"):
        monkeypatch.setattr(tempfile, name, no_disk)
    client = app.test_client()
    bundle = future_bundle()
    bundle["entry"].append({"resource": {"resourceType": "Observation", "id": "big",
                                         "note": [{"text": "x" * 2_000_000}]}})
    assert upload(client, bundle, csrf=token(client)).status_code == 200


def test_more_rows_than_the_form_takes_fill_what_fits_and_say_so(app):
    from fhirbundles import with_entry_changed

    def crowd(team):
        team["participant"] = [{"role": [{"text": "Nurse"}],
                                "member": {"display": f"Nurse {i}"}} for i in range(15)]

    client = app.test_client()
    done = upload(client, with_entry_changed(future_bundle(), "CareTeam", crowd),
                  csrf=token(client))
    page = done.get_data(as_text=True)
    assert done.status_code == 200
    assert 'value="Nurse 11"' in page and "Nurse 12" not in page
    assert page.count('name="care_team-') == 12 * 3
    assert ("Care team: the file has 15 rows and the form takes at most 12, so only the first"
            " 12 were filled in.") in page
    assert ui_strings("en")["fhir_filled"] in page


def test_a_bundle_replaces_the_patient_but_keeps_the_choices_and_the_notes(app):
    client = app.test_client()
    done = upload(client, future_bundle(language="es"), csrf=token(client),
                  name="x.json", section="when-to-call", notes="Bring your questions.",
                  care_team_rows="1", **{"care_team-0-role": "Chef",
                                         "care_team-0-name": "Other Patient's Chef"})
    page = done.get_data(as_text=True)
    assert done.status_code == 200
    assert "Other Patient" not in page
    assert 'value="when-to-call" checked' in page and "Bring your questions." in page
    assert '<option value="es" lang="es" selected>' in page, "the patient prefers Spanish"
    assert 'value="9:30 a. m."' in page


def test_a_file_that_is_not_json_or_missing_is_one_error_on_the_file_field(app):
    client = app.test_client()
    for payload, name, expected in ((b"\x89PNG not json", "scan.json", "fhir_not_json"),
                                    (b"", "", "fhir_no_file")):
        done = upload(client, payload, csrf=token(client), name=name)
        page = done.get_data(as_text=True)
        assert done.status_code == 422, expected
        assert page.count('<li><a href="#fhir_file">') == 1, expected
        assert ui_strings("en")[expected] in page.replace("&#39;", "'"), expected
