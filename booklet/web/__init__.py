"""`booklet serve`: a local web form for clinic staff, on the one build path.

The form asks what to print (preset or sections, handout or booklet), how (style, language,
paper, fillable) and, for a personal booklet, the patient's details. It previews the first
pages with the page and sheet count, and downloads the PDF that `booklet build` makes from
the same choices (both call booklet.request.make_booklet).

Patient details stay in the room: they come only in POST bodies, are built into a PDF in
memory, and are never written to disk or logged (the access log has the method, the path
without its query, the status and the time). Every response says `Cache-Control: no-store`.
Each form carries a CSRF token matched to a cookie; requests are limited in size, rows and
time. The pages work without JavaScript; the one vendored-free script only adds rows in
place.

A FHIR R4 bundle exported from the EHR (POST /fhir, multipart, up to 10 MB: the one route
allowed more than 64 kB) fills in the patient's part of the form through booklet.fhir; the
file is read in memory, never logged or kept, and nothing is built until the person checks
the fields and presses the usual button.
"""
from __future__ import annotations

import base64
import concurrent.futures
import datetime as dt
import functools
import hmac
import io
import json
import logging
import secrets
import threading
import time
from pathlib import Path

from flask import Flask, Request, Response, abort, g, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from .. import request as build_path
from ..copies.workshop import Workshop
from ..errors import BookletError, InputError
from ..fhir import bundle_patient, content_context
from ..content import content_languages
from ..language import language_info
from ..resources import bundled, bundled_styles
from ..style import PAPERS
from .form import ALL_SECTIONS, ROWS, FormValues, field_id, fill_in, read_form, to_request
from .strings import UI_LANGUAGES, ui_strings

MAX_REQUEST_BYTES = 64 * 1024       # a full form is a few kB
FHIR_MAX_BYTES = 10 * 1024 * 1024   # one patient's FHIR bundle (POST /fhir only)
FHIR_FIELD = "fhir_file"
BUILD_SECONDS = 60                  # a booklet takes well under a second
PREVIEW_PAGES = 2
CSRF_COOKIE = "booklet_csrf"
BUNDLE_WHERE = "the file"           # how booklet.fhir names the upload (cut from its messages)

log = logging.getLogger("booklet.serve")


class _InMemoryRequest(Request):
    """A request whose uploaded files stay in memory (Werkzeug spools those over 500 kB to a
    temporary file): a FHIR bundle never touches the disk."""

    def _get_file_stream(self, total_content_length, content_type, filename=None,
                         content_length=None):
        return io.BytesIO()


def create_app(content: Path | None = None, style: str = "default",
               workshop: Workshop | None = None) -> Flask:
    """The web app. `content` and `style` are what the form starts from; one Workshop (the
    app's) serves every request, so a second booklet of a layout comes from its template."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.request_class = _InMemoryRequest
    workshop = workshop or Workshop()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="build")
    content_root = content or bundled("content")
    pdfium = threading.Lock()           # pdfium, which draws the previews, is not thread-safe

    def library(language: str):
        return workshop.library(content_root, language)

    @functools.cache
    def booklet_languages() -> dict[str, str]:
        """The languages the content holds, each named in itself: {code: name}."""
        return {code: ui_strings(code)["language_name"] if code in UI_LANGUAGES
                else language_info(content_root / code).native_name
                for code in content_languages(content_root) if code}

    def ui_language(body: bool = True) -> str:
        """The interface's language: the form's `ui` field, else ?ui= (a GET), else English."""
        chosen = (request.form.get("ui") if body else None) or request.args.get("ui") or ""
        return chosen if chosen in UI_LANGUAGES else "en"

    @functools.cache
    def fhir_context():
        """The code table and languages a bundle is read with (read once)."""
        return content_context(content_root)

    @app.before_request
    def start() -> None:
        g.started = time.perf_counter()
        if request.endpoint == "from_ehr":      # before anything reads the body
            request.max_content_length = FHIR_MAX_BYTES + MAX_REQUEST_BYTES
            request.max_form_memory_size = MAX_REQUEST_BYTES

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
            " form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
        took = time.perf_counter() - g.get("started", time.perf_counter())
        # the path only: never a query string, a form field or a file name
        log.info("%s %s %d %.2f s", request.method, request.path, response.status_code, took)
        return response

    @app.errorhandler(413)
    def too_large(_error):
        msgs = ui_strings(ui_language(body=False))   # the body is what was too large
        text = msgs["fhir_too_large"] if request.endpoint == "from_ehr" else msgs["too_large"]
        return _message_page(msgs, text, 413)

    @app.errorhandler(Exception)
    def failed(error):
        """A bug of ours: one log line naming its kind only (its message could hold what was
        typed), and a page that says so."""
        if isinstance(error, HTTPException):
            return error
        log.error("internal error (%s) on %s %s", type(error).__name__, request.method,
                  request.path)
        msgs = ui_strings(ui_language(body=False))
        return _message_page(msgs, msgs["internal_error"], 500)

    @app.get("/")
    def blank_form():
        values = FormValues(ui=ui_language(), lang=ui_language(), style=style)
        return _form_page(values, {}, None)

    @app.post("/")
    def submitted():
        msgs = ui_strings(ui_language())
        if not _csrf_ok():
            return _message_page(msgs, msgs["expired"], 400)
        values = read_form(request.form, style)
        action = request.form.get("action", "preview")
        extra = {kind: 1 for kind in ROWS if action == f"add-{kind}"}
        if extra:
            kind = next(iter(extra))
            limit = ROWS[kind][1]
            if len(values.rows[kind]) >= limit:
                return _form_page(values, {kind: msgs["too_many_rows"].format(limit=limit)},
                                  None, status=422)
            return _form_page(values, {}, None, extra=extra, focus=kind)
        made, errors = _build(values, msgs)
        if errors:
            return _form_page(values, errors, None, status=422)
        if action == "download":
            response = make_response(made.pdf)
            response.headers["Content-Type"] = "application/pdf"
            name = "handout.pdf" if values.format == "handout" else "booklet.pdf"
            response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        with pdfium:
            preview = _preview(made, msgs)
        return _form_page(values, {}, preview)

    @app.post("/fhir")
    def from_ehr():
        """The form again, its patient part filled in from an uploaded FHIR bundle (or the
        file's problem at the top); nothing is built."""
        msgs = ui_strings(ui_language())
        if not _csrf_ok():
            return _message_page(msgs, msgs["expired"], 400)
        values = read_form(request.form, style)
        upload = request.files.get(FHIR_FIELD)
        data = upload.read(FHIR_MAX_BYTES + 1) if upload is not None else b""
        if upload is not None:
            upload.close()
        if len(data) > FHIR_MAX_BYTES:
            abort(413)
        if not data:
            no_file = upload is None or not upload.filename
            return _form_page(values, {FHIR_FIELD: msgs["fhir_no_file" if no_file
                                                        else "fhir_not_json"]}, None, status=422)
        try:
            bundle = json.loads(data)
        except (ValueError, RecursionError):    # not UTF-8 or not JSON
            return _form_page(values, {FHIR_FIELD: msgs["fhir_not_json"]}, None, status=422)
        del data
        future = pool.submit(_read_bundle, bundle)
        try:
            found = future.result(timeout=BUILD_SECONDS)
        except concurrent.futures.TimeoutError:
            return _form_page(values, {FHIR_FIELD: msgs["fhir_too_slow"]}, None, status=422)
        except InputError as error:
            text = " ".join(line.removeprefix(f"{BUNDLE_WHERE}: ") for line in error.problems)
            return _form_page(values, {FHIR_FIELD: text}, None, status=422)
        left_out = fill_in(values, found.fields)
        notice = {"text": msgs["fhir_filled"], "notes": [
            msgs["fhir_rows_left_out"].format(legend=msgs[kind + "_legend"], limit=ROWS[kind][1],
                                              count=ROWS[kind][1] + count)
            for kind, count in left_out.items()], "file_notes": list(found.notes)}
        _, errors = to_request(values, content, msgs)   # what the file holds that the form refuses
        return _form_page(values, errors, None, status=422 if errors else 200, notice=notice)

    def _read_bundle(bundle):
        library, languages = fhir_context()
        return bundle_patient(bundle, BUNDLE_WHERE, today=dt.date.today(),
                              codes=library.fhir_codes, languages=languages)

    def _build(values: FormValues, msgs: dict):
        """The booklet for the form, or the problems by field id."""
        req, errors = to_request(values, content, msgs)
        if errors:
            return None, errors
        future = pool.submit(_make, req)
        try:
            return future.result(timeout=BUILD_SECONDS), {}
        except concurrent.futures.TimeoutError:
            return None, {"top": msgs["too_slow"]}
        except InputError as error:
            return None, _field_problems(error.problems)
        except BookletError as error:
            return None, {"top": error.message}

    def _make(req):
        return build_path.make_booklet(req, workshop)

    def _form_page(values: FormValues, errors: dict, preview, status: int = 200,
                   extra=None, focus=None, notice=None):
        msgs = ui_strings(values.ui)
        lib = library(values.ui)
        styles = {name: workshop.style(path).name for name, path in bundled_styles().items()}
        if values.style not in styles:
            styles[values.style] = values.style
        labels = {"name": msgs["name_label"], "notes": msgs["notes_label"],
                  "patient": msgs["patient_legend"], "plan": msgs["plan_legend"],
                  "sections": msgs["sections_legend"], FHIR_FIELD: msgs["fhir_file_label"]}
        for kind, (columns, limit) in ROWS.items():
            labels[kind] = msgs[kind + "_legend"]
            for i in range(limit + 1):
                for column in columns:
                    labels[f"{kind}-{i}-{column}"] = (
                        f"{msgs[kind + '_legend']}, {msgs['row_label'].format(number=i + 1)}:"
                        f" {msgs[kind + '_' + column]}")
        token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
        page = render_template(
            "form.html", m=msgs, v=values, rows=values.padded(extra), errors=errors,
            error_list=[(key, text) for key, text in errors.items()],
            sections=list(lib.sections.values()), presets=list(lib.presets.values()),
            plan_keywords=_plan_choices(library("en"), lib), styles=styles, papers=PAPERS,
            languages=booklet_languages(),
            all_sections=ALL_SECTIONS, preview=preview, csrf=token, focus=focus, labels=labels,
            notice=notice, fhir_field=FHIR_FIELD,
            columns={kind: columns for kind, (columns, _) in ROWS.items()},
            limits={kind: limit for kind, (_, limit) in ROWS.items()})
        response = make_response(page, status)
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="Strict")
        return response

    def _message_page(msgs: dict, text: str, status: int):
        return make_response(render_template("message.html", m=msgs, text=text), status)

    return app


def _plan_choices(english, shown) -> list[tuple[str, str, str]]:
    """Each plan keyword (those of the English content, which every language accepts), its
    label, and the titles of the sections it adds, in the interface's language."""
    choices = []
    for keyword, ids in english.plan_keywords.items():
        titles = [shown.sections[i].title for i in ids if i in shown.sections]
        choices.append((keyword, keyword.replace("-", " "), "; ".join(titles)))
    return choices


def _csrf_ok() -> bool:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = request.form.get("csrf", "")
    return bool(cookie) and hmac.compare_digest(cookie, sent)


def _field_problems(problems: list[str]) -> dict[str, str]:
    """InputError lines about the form's patient ("the form: visits[0].place: ...") next to
    their field; any other line at the top."""
    errors: dict[str, str] = {}
    for line in problems:
        if line.startswith("the form: "):
            path, _, text = line[len("the form: "):].partition(": ")
            key = field_id(path.split(" (")[0])
            errors.setdefault(key, text)
        else:
            errors.setdefault("top", line)
    return errors


def _preview(made, msgs: dict) -> dict:
    """The first pages as PNG pictures (data: addresses, nothing on disk) and the counts."""
    import pypdfium2

    from ..press import page_pictures

    document = pypdfium2.PdfDocument(made.pdf)
    try:
        numbers = list(range(1, min(PREVIEW_PAGES, len(document)) + 1))
        images = page_pictures(document, numbers, dpi=0.6 * 72)
    finally:
        document.close()
    pictures = []
    for number, image in zip(numbers, images):
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=False)
        pictures.append({"number": number, "src": "data:image/png;base64,"
                         + base64.b64encode(buffer.getvalue()).decode("ascii")})
    pages = made.pages
    return {"pictures": pictures, "pages": pages, "sheets": (pages + 1) // 2,
            "summary": msgs["preview_summary"].format(pages=pages, sheets=(pages + 1) // 2)}


def serve(host: str, port: int, content: Path | None, style: str,
          workshop: Workshop | None = None, threads: int = 4) -> None:
    """Run the app on waitress until Ctrl+C."""
    import waitress

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("waitress").setLevel(logging.WARNING)
    app = create_app(content, style, workshop)
    # waitress reads a whole body before the app sees it: its limit is above the app's (so the
    # app's readable 413 page answers), and it keeps a body that size in memory, not in a
    # temporary file
    body_limit = 2 * FHIR_MAX_BYTES
    server = waitress.create_server(app, host=host, port=port, threads=threads,
                                    max_request_body_size=body_limit, inbuf_overflow=body_limit,
                                    channel_timeout=BUILD_SECONDS + 10, ident="booklet")
    where = f"http://{host}:{server.effective_port}/"
    print(f"booklet serve: open {where} in a browser (Ctrl+C stops it)", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
