"""The `booklet` command: each subcommand parses options, calls one function and reports."""
from __future__ import annotations

import datetime as dt
import gc
import json
import sys
import time
from pathlib import Path

import click

from . import __version__
from .choices import FORMATS, PAPERS
from .errors import BookletError, ChecksFailed, InputError, JobsFailed
from .resources import bundled, bundled_styles, style_path

# Each command imports what it needs when it runs: `booklet --version`, `--help` and a
# mistyped option answer without loading the layout, the batch runner or reportlab.

content_option = click.option(
    "--content", "content_dir", type=click.Path(file_okay=False, path_type=Path),
    default=None, help="Content folder (default: the bundled pNET content).")


def lang_option(help_text: str = "The booklet's language: a content folder's code, like en or es."
                " Default: the patient file's lang, else en."):
    """--lang, read as a language code such as 'es' (None when not given)."""
    return click.option("--lang", "lang", default=None, metavar="CODE", help=help_text,
                        callback=_language_code)


def _language_code(ctx, param, value):
    from .language import language_code     # here: its field specs take a while to import
    return language_code(value) if value else None


def _library(content_dir: Path | None, lang: str | None = None):
    from .content import load_library
    return load_library(content_dir or bundled("content"), lang)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="booklet")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems (no 'wrote' lines,"
                                                   " notes or summaries).")
@click.option("-v", "--verbose", is_flag=True, help="Say more: each batch job as it ends, and"
                                                     " how long a build took.")
@click.pass_context
def main(ctx, quiet: bool, verbose: bool) -> None:
    """Large-print patient booklets and handouts about pancreatic neuroendocrine tumors."""
    ctx.obj = {"quiet": quiet, "verbose": verbose and not quiet}


def run() -> None:
    """The booklet program (its console script, and python -m booklet).

    Most commands make one document or a few and end, so Python's cycle collector is off for
    the whole process: in a cold `booklet build` it ran a dozen times, 5% of the time, and found
    little (the garbage is freed by reference counting as it goes). The commands that run
    long, serve and batch, turn it back on. When the command ends, the objects left are frozen
    (gc.freeze), so that Python's last sweep for cycles at exit (3% more) skips them."""
    gc.disable()
    try:
        main(prog_name="booklet")
    finally:
        gc.freeze()


def _flag(name: str) -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.find_root().obj and ctx.find_root().obj.get(name))


def say(text: str, err: bool = False, verbose: bool = False) -> None:
    """A status line (to stderr with `err`), unless --quiet; with `verbose`, only with -v."""
    if not _flag("quiet") and (_flag("verbose") or not verbose):
        click.echo(text, err=err)


def emit_json(data) -> None:
    """What --json prints: one JSON document on stdout, and nothing else there."""
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


json_option = click.option("--json", "as_json", is_flag=True,
                           help="Print the result as JSON on standard output.")


@main.command()
@content_option
@lang_option()
@click.option("--style", "style_name", default="default", show_default=True,
              help="A bundled style name or a style YAML file.")
@click.option("--preset", help="A named selection of sections (see 'booklet list').")
@click.option("--section", "section_ids", multiple=True, help="A section id; repeat for more.")
@click.option("--all", "everything", is_flag=True, help="Every section.")
@click.option("--format", "format_", type=click.Choice(FORMATS), default="booklet",
              show_default=True)
@click.option("--paper", type=click.Choice(PAPERS), default=None,
              help="Paper size (default: the style's, usually letter).")
@click.option("--full-glossary", is_flag=True, help="Print every glossary term, not only those used.")
@click.option("--standard-print", is_flag=True,
              help="Allow a style's base_size of 14 or 16 (a standard-print copy, not large print).")
@click.option("--patient", "patient_file", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="A patient YAML file for a personal booklet.")
@click.option("--fhir", "fhir_file", type=click.Path(dir_okay=False, path_type=Path),
              default=None, metavar="BUNDLE.json",
              help="A FHIR R4 Bundle (JSON) from the EHR for a personal booklet: name,"
                   " language, care team, visits, medicines and plan.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              metavar="YYYY-MM-DD", help="With --fhir: visits from this day on are printed"
                                         " (default: today).")
@click.option("--name", default=None, help="The patient's preferred name (replaces the file's).")
@click.option("--plan", "plan_keywords", multiple=True, metavar="KEYWORD",
              help="A treatment plan keyword such as surgery or octreotide; repeat for more.")
@click.option("--fillable", is_flag=True,
              help="Tick boxes, answer lines and notes pages become PDF form fields.")
@click.option("--duplex", is_flag=True,
              help="For printing on both sides: parts start on right-hand pages, footers on"
                   " the outside edge, a wider inner margin.")
@click.option("--draft", is_flag=True,
              help="Print a translation whose text is not all reviewed yet, marked 'Draft"
                   " translation, not reviewed' in every footer.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("booklet.pdf"), show_default=True,
              help="The PDF file to write; - writes it to standard output.")
def build(content_dir, lang, style_name, preset, section_ids, everything, format_, paper,
          full_glossary, standard_print, patient_file, fhir_file, today, name, plan_keywords,
          fillable, duplex, draft, output) -> None:
    """Build one booklet or handout as a PDF."""
    from .output import write_atomic
    from .patient import load_patient, patient_from_options
    from .request import BookletRequest, make_booklet
    if patient_file and fhir_file:
        raise InputError(["--patient and --fhir: give one of them. Fix: leave one out."])
    from_file = load_patient(patient_file) if patient_file else None
    if fhir_file:
        from .fhir import patient_from_fhir_file
        from_file, fhir_notes = patient_from_fhir_file(
            fhir_file, today.date() if today else dt.date.today(),
            content_dir or bundled("content"))
        for note in fhir_notes:
            say(f"note: {note}", err=True)
    patient = patient_from_options(from_file, name, plan_keywords)
    started = time.perf_counter()
    made = make_booklet(BookletRequest(
        content=content_dir, language=lang, style=style_name, preset=preset,
        sections=tuple(section_ids), everything=everything, format=format_, paper=paper,
        full_glossary=full_glossary, standard_print=standard_print, fillable=fillable,
        duplex=duplex, draft=draft, patient=patient))
    for note in made.notes:
        say(f"note: {note}", err=True)
    pdf, pages, sections = made.pdf, made.pages, made.plan.sections
    say(f"built in {time.perf_counter() - started:.2f} s", err=True, verbose=True)
    if str(output) == "-":          # the PDF to stdout, and nothing else there
        sys.stdout.buffer.write(pdf)
        sys.stdout.buffer.flush()
        say(f"wrote the PDF to stdout ({pages} pages, {len(sections)} sections, {format_})",
            err=True)
        say(f"print: {_print_line(pdf, made.plan.paper)}", err=True)
        return
    write_atomic(output, pdf)
    say(f"wrote {output} ({pages} pages, {len(sections)} sections, {format_})")
    say(f"print: {_print_line(pdf, made.plan.paper)}")


def _print_line(pdf: bytes, paper: str) -> str:
    """What printing the PDF takes, and its smallest text, as one line."""
    from .press import SHEET_FOR_PAGES, print_summary, sheet_label, summary_line
    return summary_line(print_summary(pdf), sheet_label(SHEET_FOR_PAGES[paper]))


@main.command()
@click.argument("manifest", required=False, type=click.Path(dir_okay=False, path_type=Path))
@content_option
@click.option("--patients", "patient_list", type=click.Path(dir_okay=False, path_type=Path),
              help="A CSV patient list (columns id, name, plan): one booklet per row.")
@click.option("--fhir", "fhir_source", type=click.Path(path_type=Path), metavar="DIR|FILE.ndjson",
              help="FHIR R4 bundles from the EHR: a folder of .json bundles or an .ndjson file;"
                   " one booklet per patient, named by Patient.id.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              metavar="YYYY-MM-DD", help="With --fhir: visits from this day on are printed"
                                         " (default: today).")
@click.option("--preset", help="The preset every booklet starts from (with a manifest: beneath"
                                " its own defaults).")
@click.option("--style", "style_name", help="A bundled style or style file (with a manifest:"
                                            " beneath its own defaults).")
@click.option("--paper", type=click.Choice(PAPERS), default=None,
              help="Paper (with a manifest: beneath its own defaults).")
@click.option("--fillable", is_flag=True, help="Fillable booklets (with a manifest: for jobs"
                                               " that do not say).")
@click.option("--duplex", is_flag=True, help="For printing on both sides (with a manifest:"
                                             " for jobs that do not say).")
@click.option("--draft", is_flag=True, help="Allow translations not all reviewed, each page"
                                            " marked as a draft (with a manifest: for jobs"
                                            " that do not say).")
@lang_option("The language for jobs and rows that do not give one, nor their patient (en or"
             " es).")
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("booklets"), show_default=True,
              help="Every PDF is written inside this folder.")
@click.option("--jobs", "workers", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: the number of CPUs).")
@click.option("--shard", help="Build only shard I of N, like 2/4 (for a CI matrix).")
@click.option("--force", is_flag=True, help="Rebuild jobs whose inputs have not changed.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a JSON report of every job here.")
@json_option
def batch(manifest, content_dir, patient_list, fhir_source, today, preset, style_name, paper,
          fillable, duplex, draft, lang, out_dir, workers, shard, force, report, as_json) -> None:
    """Build many PDFs: the jobs of MANIFEST, one booklet per row of --patients, or one per
    bundle of --fhir."""
    gc.enable()                     # it runs long (see run()); each document pauses it
    from .batch import (default_workers, jobs_from_csv, jobs_from_fhir, load_manifest,
                        parse_shard, run_jobs)
    from .batch import shard as shard_jobs
    from .output import write_atomic
    if sum(bool(x) for x in (manifest, patient_list, fhir_source)) != 1:
        raise InputError(["batch: give a MANIFEST file, --patients LIST.csv or --fhir"
                          " BUNDLES (one of them)."])
    try:
        if fhir_source:
            settings = {"format": "booklet", "fillable": fillable, "duplex": duplex,
                        "draft": draft,
                        **{k: v for k, v in (("preset", preset), ("style", style_name),
                                             ("paper", paper), ("default_lang", lang)) if v}}
            jobs = jobs_from_fhir(fhir_source, today.date() if today else dt.date.today(),
                                  settings, content_dir,
                                  warn=lambda line: say(f"note: {line}", err=True))
        elif patient_list:
            jobs = jobs_from_csv(patient_list, preset, style_name, content_dir, fillable, paper,
                                 lang, warn=lambda line: say(f"note: {line}", err=True),
                                 duplex=duplex, draft=draft)
        else:
            jobs = load_manifest(manifest, content_dir, defaults={
                "preset": preset, "style": style_name, "paper": paper, "fillable": fillable,
                "duplex": duplex, "draft": draft, "lang": lang})
    except InputError as error:
        if len(error.problems) == 1:
            raise
        for line in error.problems:
            click.echo(line, err=True)
        raise BookletError(f"{len(error.problems)} problems in the jobs; nothing was built.")
    if shard:
        jobs = shard_jobs(jobs, *parse_shard(shard))
    started = time.perf_counter()
    where = {job.index: job.where for job in jobs}
    # Click's progress bar, on a terminal only; -v names each job as it ends instead.
    verbose = _flag("verbose")
    hidden = _flag("quiet") or verbose or not sys.stderr.isatty()

    def ended(result, bar) -> None:
        bar.update(1)
        detail = f"{result.pages} pages, {result.seconds:.2f} s" if result.status == "built" \
            else result.reason or "inputs unchanged"
        say(f"  {result.status}: {where[result.index]} -> {result.output} ({detail})",
            err=True, verbose=True)

    with click.progressbar(length=len(jobs), label="building", file=sys.stderr,
                           hidden=hidden) as bar:
        summary = run_jobs(jobs, out_dir, workers or default_workers(), force,
                           on_result=lambda result: ended(result, bar), report=report,
                           summarize=bool(report or as_json))
    seconds = time.perf_counter() - started
    line = (f"{summary.count('built')} built, {summary.count('skipped')} up to date,"
            f" {summary.count('failed')} failed ({len(jobs)} jobs, {seconds:.1f} s,"
            f" in {out_dir})")
    if as_json:
        emit_json(summary.report())
        say(line, err=True)
    else:
        say(line)
    printing = summary.report().get("printing")
    if printing:
        say(f"print: {printing['pages']} pages built: {printing['double_sided']} sheets"
            f" double-sided, or {printing['saddle_sheets']} folded sheets saddle-stitched;"
            f" smallest text {printing['smallest_text_pt']:g} pt", err=as_json)
    notes = {note: [] for r in summary.results for note in r.notes}
    for result in sorted(summary.results, key=lambda r: r.index):
        for note in result.notes:
            notes[note].append(result.output)
    for note, outputs in notes.items():
        say(f"note: {len(outputs)} job{'s' if len(outputs) > 1 else ''} ({outputs[0]}"
            f"{', ...' if len(outputs) > 1 else ''}): {note}", err=True)
    if not verbose:
        for result in sorted(summary.failed, key=lambda r: r.index):
            click.echo(f"  failed: {where[result.index]} -> {result.output}: {result.reason}",
                       err=True)
    if report:
        write_atomic(report, (json.dumps(summary.report(), indent=2) + "\n").encode())
    if summary.failed:
        raise JobsFailed(f"{len(summary.failed)} of {len(jobs)} jobs failed.")


@main.command()
@click.argument("booklet_pdf", metavar="BOOKLET.pdf",
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The print file to write (the booklet itself stays the file to share).")
@click.option("--sheet", type=click.Choice(["tabloid", "a3", "letter", "a4"]), default=None,
              help="The sheet two pages go on at 100%: tabloid (11 x 17 in) for Letter pages,"
                   " a3 for A4 pages (default: the one the pages need).")
@click.option("--creep", "creep_mm", type=float, default=0.0, show_default=True, metavar="MM",
              help="The paper's thickness in mm: each inner sheet's pages move that much more"
                   " toward the fold, so the margins stay even once the booklet is trimmed.")
@click.option("--marks", is_flag=True, help="Crop and fold marks outside the trim (on a"
                                            " 12 x 18 in or SRA3 sheet).")
def impose(booklet_pdf, output, sheet, creep_mm, marks) -> None:
    """Lay BOOKLET.pdf out for folding and stapling (saddle stitch): two pages side by side
    on each side of a sheet, at 100%, outer sheet first."""
    from .output import write_atomic
    from .messages import catalogue
    from . import press
    pdf = _read_pdf(booklet_pdf)
    if output.resolve() == booklet_pdf.resolve():
        raise InputError([f"-o {output}: that is the booklet itself. Fix: name another file,"
                          " such as print.pdf."])
    sheet = sheet or press.SHEET_FOR_PAGES[press.paper_of(pdf)]
    language = press.document_language(pdf)
    code = language.split("-")[0].lower() if language else "en"
    try:
        note = catalogue(code)["blank_page"]
    except InputError:          # a language this install has no layout words for
        note = catalogue("en")["blank_page"]
    imposed = press.impose(pdf, sheet, creep_mm=creep_mm, marks=marks, blank_note=note)
    write_atomic(output, imposed)
    pages = press.print_summary(pdf).pages
    sheets = -(-pages // 4)
    say(f"wrote {output} ({sheets} {press.sheet_label(sheet)} sheets printed on both sides,"
        f" {sheets * 4} pages with {sheets * 4 - pages} left blank; fold, nest and staple"
        " them outer sheet first)")


@main.command()
@click.argument("pdf_file", metavar="FILE.pdf", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              required=True, help="The folder for the pictures (created if needed).")
@click.option("--pages", default=None, help="Which pages, like 1-4 or 1-2,7 (default: all).")
@click.option("--dpi", type=int, default=60, show_default=True,
              help="Picture resolution: 60 for a quick look, 150 to read the text.")
def preview(pdf_file, out_dir, pages, dpi) -> None:
    """Pictures of FILE.pdf's pages (page-001.png, ...) and a contact sheet of them."""
    from . import press
    _read_pdf(pdf_file)
    written = press.preview(pdf_file, out_dir, pages, dpi)
    say(f"wrote {len(written) - 1} page pictures and {written[-1]}")


def _read_pdf(path: Path) -> bytes:
    """A PDF file's bytes, or one line saying why it cannot be read."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError([f"{path}: file not found. Fix: check the path."]) from None
    except OSError as error:
        raise InputError([f"{path}: cannot be read ({error.strerror})."]) from None
    if not data.startswith(b"%PDF"):
        raise InputError([f"{path}: is not a PDF. Fix: give a PDF that booklet build wrote."])
    return data


@main.command(name="list")
@content_option
@lang_option()
@json_option
def list_(content_dir, lang, as_json) -> None:
    """List the languages, sections, presets, styles and plan keywords."""
    from .content import content_languages
    from .language import language_info
    from .style import load_style
    library = _library(content_dir, lang)
    root = Path(content_dir or bundled("content"))
    languages = [(code, language_info(root / code)) for code in content_languages(root) if code]
    if as_json:
        emit_json({
            "language": library.info.language,
            "languages": [{"code": code, "name": info.name, "native_name": info.native_name,
                           "direction": info.direction, "reading_measure": info.measure}
                          for code, info in languages],
            "sections": [{"id": s.id, "title": s.title, "topics": list(s.topics),
                          "handout": s.handout is not None}
                         for s in library.sections.values()],
            "presets": [{"id": p.id, "title": p.title, "sections": list(p.sections)}
                        for p in library.presets.values()],
            "styles": [{"id": name, "name": load_style(path).name, "file": str(path)}
                       for name, path in bundled_styles().items()],
            "plan_keywords": {k: list(ids) for k, ids in library.plan_keywords.items()}})
        return
    if languages:
        click.echo("Languages (--lang):")
        for code, info in languages:
            click.echo(f"  {code:28} {info.name} ({info.native_name})")
    click.echo("Sections:")
    for s in library.sections.values():
        click.echo(f"  {s.id:28} {s.title}")
    click.echo("Presets:")
    for p in library.presets.values():
        click.echo(f"  {p.id:28} {p.title} ({len(p.sections)} sections)")
    click.echo("Styles:")
    for name, path in bundled_styles().items():
        click.echo(f"  {name:28} {load_style(path).name}")
    if library.plan_keywords:
        click.echo("Plan keywords (--plan, or plan: in a patient file):")
        for keyword, ids in library.plan_keywords.items():
            click.echo(f"  {keyword:28} {', '.join(ids)}")


@main.command()
@content_option
@lang_option("Check only this language's content (default: every language).")
@click.option("--style", "style_files", multiple=True, type=click.Path(path_type=Path),
              help="Style files to check (default: the bundled styles).")
@click.option("--standard-print", is_flag=True,
              help="Accept a style's base_size of 14 or 16 (standard-print copies).")
@click.option("--patient", "patient_files", multiple=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="A patient file to check too (fields, plan keywords); repeat for more.")
@json_option
def check(content_dir, lang, style_files, standard_print, patient_files, as_json) -> None:
    """Check all content, styles (in every language of the content) and patient files; list
    every problem; exit 1 if anything needs fixing."""
    from .assemble import add_plan_sections, choose_sections
    from .content import content_languages
    from .editorial import check_handouts, check_library, check_twins
    from .language import language_code
    from .patient import load_patient
    from .style import load_style, style_in_language
    problems: list[str] = []
    libraries = []
    for code in [lang] if lang else content_languages(content_dir or bundled("content")):
        try:
            libraries.append(_library(content_dir, code))
        except InputError as error:
            problems += error.problems
    styles = []
    for path in style_files or bundled_styles().values():
        try:
            styles.append(load_style(path, standard_print))
        except InputError as error:
            problems += error.problems
    for style in styles:            # a style must print in every language the content has
        for library in libraries:
            try:
                style_in_language(style, language_code(library.info.language))
            except InputError as error:
                problems += error.problems
    for path in patient_files:
        try:
            patient = load_patient(path)
            for library in libraries:
                if patient.language in (None, language_code(library.info.language)):
                    add_plan_sections(library, choose_sections(library), patient)
        except InputError as error:
            problems += error.problems
    findings = [f for library in libraries for f in check_library(library, dt.date.today())]
    if not problems:
        findings += [f for library in libraries for f in check_handouts(library, styles)]
    if len(libraries) > 1 and not problems:
        findings += check_twins(libraries)
    notes = []
    for finding in findings:
        if finding.level == "problem":
            problems.append(finding.text)
        else:
            notes.append(finding.text)
    problems = list(dict.fromkeys(problems))
    if as_json:
        emit_json({"ok": not problems, "problems": problems, "notes": notes})
    else:
        for line in notes:
            click.echo(line)
        for line in problems:
            click.echo(line, err=True)
    if problems:
        raise ChecksFailed(f"{len(problems)} problem{'s' if len(problems) > 1 else ''} found.")
    if not as_json:
        say("all content and styles are valid")


LOOPBACK = ("127.0.0.1", "localhost", "::1")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on; the default is reachable from this computer only.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="The port (0: any free one).")
@content_option
@click.option("--style", "style_name", default="default", show_default=True,
              help="The style the form starts with (a bundled name or a style file).")
def serve(host, port, content_dir, style_name) -> None:
    """Run the web form for clinic staff (open the address it prints in a browser)."""
    gc.enable()                     # it runs long (see run()); each document pauses it
    from .content import content_languages
    from .copies.workshop import Workshop
    from .web import serve as run_server

    workshop = Workshop()
    for code in content_languages(content_dir or bundled("content")):
        workshop.library(content_dir or bundled("content"), code)   # bad content: one line now
    workshop.style(style_path(style_name))
    if host not in LOOPBACK:
        click.echo(f"warning: --host {host} lets other computers open the form; patient details"
                   " would cross the network unencrypted. Use it only behind HTTPS.", err=True)
    run_server(host, port, content_dir, style_name, workshop)


@main.command()
@click.option("-o", "--output-dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("schemas"), show_default=True)
def schema(output_dir: Path) -> None:
    """Write a JSON Schema per file kind, for editors that check YAML."""
    from .content import json_schemas
    from .output import write_atomic
    from .patient import PATIENT
    from .style import STYLE
    output_dir.mkdir(parents=True, exist_ok=True)
    schemas = {**json_schemas(), "style": {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "booklet style file", **STYLE.schema()}, "patient": {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "booklet patient file", **PATIENT.schema()}}
    for kind, body in schemas.items():
        target = output_dir / f"{kind}.schema.json"
        write_atomic(target, (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode())
        click.echo(f"wrote {target}")


@main.group()
def translate() -> None:
    """Hand a language's content to translators as XLIFF 2.0, and bring it back."""


@translate.command(name="export")
@click.option("--lang", "lang", required=True, metavar="CODE",
              help="The language to translate into, such as es (a new one starts empty).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The XLIFF file to write, such as es.xlf.")
@content_option
def translate_export(lang, output, content_dir) -> None:
    """Write an XLIFF 2.0 file of every text and layout message, English beside LANG's."""
    from .output import write_atomic
    from .translate import export_xliff
    write_atomic(output, export_xliff(content_dir or bundled("content"), lang))
    say(f"wrote {output}")


@translate.command(name="import")
@click.argument("xliff_file", metavar="FILE.xlf", type=click.Path(dir_okay=False, path_type=Path))
@content_option
@click.option("--replace", is_flag=True, help="Overwrite the language folder if it exists.")
def translate_import(xliff_file, content_dir, replace) -> None:
    """Rebuild a language folder of the content from a translated XLIFF file."""
    from .translate import import_xliff, unreviewed
    folder = import_xliff(xliff_file, content_dir or bundled("content"), replace)
    left = unreviewed(folder)
    todo = sum(c["initial"] for c in left.values())
    review = sum(c["translated"] for c in left.values())
    say(f"wrote {folder} ({todo} units untranslated, {review} not reviewed)")


def _name_environment_variables(group: click.Group) -> None:
    """Every option of every command can also come from BOOKLET_<COMMAND>_<OPTION>, named as
    the option is written (BOOKLET_BUILD_STYLE=tallpine-oncology, BOOKLET_BATCH_JOBS=2); a
    flag is on with 1, true or yes. --help shows each one's name."""
    for name, command in group.commands.items():
        for param in command.params:
            long = [o for o in param.opts if o.startswith("--")]
            if isinstance(param, click.Option) and long and param.name not in ("help",):
                param.envvar = f"BOOKLET_{name.upper()}_{long[0][2:].upper().replace('-', '_')}"
                param.show_envvar = True
    for param in group.params:
        if param.name in ("quiet", "verbose"):
            param.envvar, param.show_envvar = f"BOOKLET_{param.name.upper()}", True


_name_environment_variables(main)
