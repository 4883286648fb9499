"""Batch builds: a manifest or a patient list becomes jobs, built in parallel worker processes.

Each job is checked before anything is built (paths stay inside the output folder, presets and
sections exist), written atomically, and skipped when the hash of its inputs matches the last
build. One failing job never stops the others; the summary names each failure in one line.
Patient details never reach the terminal, the report or a file name.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import multiprocessing
import os
import re
import time
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from .assemble import FORMATS
from .content import language_folder
from .copies.workshop import Workshop
from .errors import BookletError, InputError
from .language import LANG_FIELD, language_code
from .output import write_atomic
from .patient import PATIENT, load_patient, patient_from_data
from .request import BookletRequest, make_booklet, plan_request, request_library
from .resources import bundled, style_path
from .specs import (AnyOf, Boolean, Choice, Const, Field, Id, Invalid, ListOf, Record, Text,
                       did_you_mean)
from .style import PAPERS
from .yamlfile import read_yaml, shown

STATE_SAVE_SECONDS = 1.0   # how often a run records what it has built, besides at its end
STATE_FILE = ".booklet-batch.json"   # in the output folder: input hash of each built PDF

_SETTINGS = {
    "preset": Field(Id("a preset id ('booklet list' shows them)"), required=False),
    "sections": Field(AnyOf((Const("all", description="every section"),
                             ListOf(Id("a section id")))), required=False),
    "style": Field(Text(description="a bundled style name or a style file", one_line=True),
                   required=False),
    "lang": Field(LANG_FIELD, required=False),
    "format": Field(Choice(FORMATS, description="booklet or handout"), required=False),
    "paper": Field(Choice(PAPERS, description="letter or a4"), required=False),
    "fillable": Field(Boolean(), required=False),
    "duplex": Field(Boolean(description="for printing on both sides: parts start on"
                                        " right-hand pages"), required=False),
    "impose": Field(Choice(("tabloid", "a3", "letter", "a4"),
                           description="also write a copy imposed for saddle stitching on"
                                       " this sheet (tabloid for Letter pages, a3 for A4)"
                                       " beside the PDF, named NAME-print.pdf"),
                    required=False),
    "full_glossary": Field(Boolean(), required=False),
    "draft": Field(Boolean(description="allow a translation not all reviewed; every footer"
                                       " then says it is a draft"), required=False),
}
MANIFEST = Record(description="a batch of booklets to build", fields={
    "defaults": Field(Record(fields=_SETTINGS, description="settings every job starts from"),
                      required=False),
    "jobs": Field(ListOf(Record(fields={
        **_SETTINGS,
        "output": Field(Text(description="the PDF's path inside the output folder",
                             one_line=True)),
        "patient": Field(AnyOf((Text(one_line=True, description="a patient file"), PATIENT),
                               description="a patient file, or the patient's fields"),
                         required=False),
    }, description="one PDF to build"), description="the PDFs to build")),
})
CSV_COLUMNS = ("id", "name", "plan", "lang")


@dataclass(frozen=True)
class Job:
    """One PDF to build; `where` names it in messages (never with patient details)."""

    index: int
    where: str
    output: str
    settings: tuple[tuple[str, object], ...]
    patient_file: str | None = None
    patient_fields: str | None = None     # JSON of inline fields (hashable, picklable)
    content_dir: str | None = None

    def setting(self, name, default=None):
        return dict(self.settings).get(name, default)

    def request(self) -> BookletRequest:
        """What this job prints, for whom and how: the request every build path takes."""
        patient = _patient(self)
        preset, sections, everything = _selection(self)
        return BookletRequest(
            content=Path(self.content_dir) if self.content_dir else None,
            language=self.language(patient and patient.language),
            style=self.setting("style", "default"), preset=preset, sections=sections,
            everything=everything, format=self.setting("format", "booklet"),
            paper=self.setting("paper"), full_glossary=bool(self.setting("full_glossary")),
            fillable=bool(self.setting("fillable")), duplex=bool(self.setting("duplex")),
            draft=bool(self.setting("draft")), patient=patient)

    def language(self, patient_lang: str | None = None) -> str | None:
        """The job's own lang, else the patient's, else the manifest defaults' (None: English)."""
        chosen = self.setting("lang") or patient_lang or self.setting("default_lang")
        return language_code(chosen, "lang") if chosen else None


@dataclass
class Result:
    index: int
    output: str
    status: str            # built, skipped or failed
    reason: str = ""
    pages: int = 0
    seconds: float = 0.0
    input_hash: str = ""
    notes: tuple[str, ...] = ()    # what the build path says of it (never patient details)
    print_file: str = ""           # the imposed copy beside it, when the job asked for one
    printing: dict | None = None   # with --report: pages, sheets and the smallest text size


@dataclass
class Summary:
    results: list[Result] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def failed(self) -> list[Result]:
        return [r for r in self.results if r.status == "failed"]

    def report(self) -> dict:
        report = {"built": self.count("built"), "skipped": self.count("skipped"),
                  "failed": self.count("failed"),
                  "jobs": [asdict(r) for r in sorted(self.results, key=lambda r: r.index)]}
        printed = [r.printing for r in self.results if r.printing]
        if printed:     # what printing the built PDFs takes, all together
            report["printing"] = {
                "pages": sum(p["pages"] for p in printed),
                "single_sided": sum(p["single_sided"] for p in printed),
                "double_sided": sum(p["double_sided"] for p in printed),
                "saddle_sheets": sum(p["saddle_sheets"] for p in printed),
                "smallest_text_pt": min(p["smallest_text_pt"] for p in printed)}
        return report


# --- reading jobs ----------------------------------------------------------------------------

def _layered(*layers: dict) -> dict:
    """Settings, each layer over the ones before it. What to print is one choice: a layer that
    names a preset or sections replaces both."""
    merged: dict = {}
    for layer in layers:
        if "preset" in layer or "sections" in layer:
            merged.pop("preset", None)
            merged.pop("sections", None)
        merged.update(layer)
    return merged


def load_manifest(path: Path, content_dir: Path | None = None,
                  defaults: dict | None = None) -> list[Job]:
    """The jobs of a manifest file, each checked (paths, presets, sections, styles, patients)."""
    path = Path(path)
    where = shown(path)
    data = read_yaml(path)
    try:
        raw = MANIFEST.check(data, "")
    except Invalid as error:
        raise InputError([f"{where}: {error.path or '(top level)'}: {error.message}"]) from None
    # the command line's options come beneath the manifest's defaults, then each job's own
    given = {k: v for k, v in (defaults or {}).items() if v not in (None, False)}
    layers = [given, raw.get("defaults", {})]
    lang = next((layer["lang"] for layer in reversed(layers) if "lang" in layer), None)
    base = _layered(*({k: v for k, v in layer.items() if k != "lang"} for layer in layers))
    jobs = []
    for i, entry in enumerate(raw["jobs"]):
        job_where = f"{where}: jobs[{i}]"
        settings = _layered(base, {k: v for k, v in entry.items()
                                   if k not in ("output", "patient")})
        if lang:                   # a patient's own lang comes before the defaults' lang
            settings["default_lang"] = lang
        patient = entry.get("patient")
        patient_file = patient_fields = None
        if isinstance(patient, str):
            patient_file = str((path.parent / patient))
        elif patient is not None:
            patient_fields = json.dumps(data["jobs"][i]["patient"], sort_keys=True, default=str)
        jobs.append(Job(i, job_where, entry["output"], _frozen(settings), patient_file,
                        patient_fields, str(content_dir) if content_dir else None))
    check_jobs(jobs)
    return jobs


def jobs_from_csv(path: Path, preset: str | None, style: str | None,
                  content_dir: Path | None = None, fillable: bool = False,
                  paper: str | None = None, lang: str | None = None,
                  warn=None, duplex: bool = False, draft: bool = False) -> list[Job]:
    """One personal booklet per row of a patient list (columns: id, name, plan, lang), read
    as EHR exports write it: a BOM, header case and spaces, commas, semicolons or tabs, and
    other columns (ignored, with one warning through `warn`). Every row's problems are found
    before anything is built."""
    path = Path(path)
    where = shown(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError([f"{where}: file not found. Fix: check the path to the patient"
                          " list."]) from None
    except UnicodeDecodeError as error:
        raise InputError([f"{where}: cannot be read as a UTF-8 CSV file ({error})."
                          " Fix: save it as CSV, UTF-8."]) from None
    header = text.splitlines()[0] if text.strip() else ""
    delimiter = max(",;\t", key=header.count) if header else ","
    try:
        reader = csv.reader(text.splitlines(), delimiter=delimiter)
        table = [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as error:
        raise InputError([f"{where}: cannot be read as a CSV file ({error})."
                          " Fix: save it as CSV, UTF-8."]) from None
    if len(table) < 2:
        raise InputError([f"{where}: no rows. Fix: add a header line (id,name,plan) and one"
                          " line per patient."])
    columns = [c.strip().lower().replace(" ", "_") for c in table[0]]
    misspelt = [c for c in columns if c not in CSV_COLUMNS and did_you_mean(c, CSV_COLUMNS)]
    if misspelt or "id" not in columns:
        bad = misspelt[0] if misspelt else "id"
        problem = (f"unknown column '{bad}'{did_you_mean(bad, CSV_COLUMNS)}" if misspelt
                   else "the id column is missing")
        raise InputError([f"{where}: {problem}. Fix: use the columns"
                          f" {', '.join(CSV_COLUMNS)} (id is required)."])
    others = [c for c in columns if c not in CSV_COLUMNS]
    if others and warn:
        warn(f"{where}: column{'s' if len(others) > 1 else ''} {', '.join(others)} ignored"
             f" (booklet reads {', '.join(CSV_COLUMNS)}).")
    settings = {"format": "booklet", "fillable": fillable, "duplex": duplex, "draft": draft}
    if preset:
        settings["preset"] = preset
    if style:
        settings["style"] = style
    if paper:
        settings["paper"] = paper
    if lang:
        settings["default_lang"] = lang
    jobs, seen, problems = [], {}, []
    for i, cells in enumerate(table[1:]):
        row = {c: v.strip() for c, v in zip(columns, cells) if c in CSV_COLUMNS}
        line = i + 2
        file_name = safe_file_name(row.get("id") or "")
        if not file_name:
            problems.append(f"{where}: line {line}: id is empty or has no letters or digits."
                            " Fix: give each row an id such as p-0042.")
            continue
        if file_name in seen:
            problems.append(f"{where}: line {line}: id '{file_name}' is used on line"
                            f" {seen[file_name]} too. Fix: give each row its own id.")
            continue
        seen[file_name] = line
        fields = {"name": row.get("name") or None,
                  "plan": [k for k in re.split(r"[;,]", row.get("plan") or "") if k.strip()],
                  "lang": row.get("lang") or None}
        fields = {k: v for k, v in fields.items() if v}
        jobs.append(Job(i, f"{where}: line {line} (id {file_name})", f"{file_name}.pdf",
                        _frozen(settings), None, json.dumps(fields, sort_keys=True),
                        str(content_dir) if content_dir else None))
    return _all_checked(jobs, problems)


def _all_checked(jobs: list[Job], problems: list[str]) -> list[Job]:
    """The jobs, when neither reading them (`problems`) nor checking them found anything
    wrong; else every problem at once, before anything is built."""
    try:
        check_jobs(jobs)
    except InputError as error:
        problems += error.problems
    if problems:
        raise InputError(problems)
    return jobs


def jobs_from_fhir(path: Path, today: dt.date, settings: dict,
                   content_dir: Path | None = None, warn=None) -> list[Job]:
    """One personal booklet per FHIR bundle: each .json file of a folder, or each line of an
    .ndjson file. The file name is the sanitized Patient.id. Every bundle's problems are
    found before anything is built; the notes come once, counted."""
    from .fhir import content_context, patient_from_bundle, read_bundles
    from .fhir import safe_file_name as from_patient_id

    library, languages = content_context(content_dir or bundled("content"))
    jobs, seen, problems, notes = [], {}, [], {}
    for i, (where, bundle) in enumerate(read_bundles(path)):
        try:
            _, found = patient_from_bundle(bundle, where, today=today, library=library,
                                           languages=languages)
            name = from_patient_id(found.id, where)
        except InputError as error:
            problems += error.problems
            continue
        if name in seen:
            problems.append(f"{where}: Patient.id '{found.id}' names {name}.pdf, as"
                            f" {seen[name]} does. Fix: give each patient its own id.")
            continue
        seen[name] = where
        for note in found.notes:
            notes[note] = notes.get(note, 0) + 1
        jobs.append(Job(i, f"{where} (Patient {name})", f"{name}.pdf", _frozen(settings),
                        None, json.dumps(found.fields, sort_keys=True),
                        str(content_dir) if content_dir else None))
    _all_checked(jobs, problems)
    for note, count in notes.items():
        if warn:
            warn(f"{count} bundle{'s' if count > 1 else ''}: {note}")
    return jobs


def safe_file_name(text: str) -> str:
    """A file name from an id column: letters, digits, dot, dash and underscore only."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text.strip()).strip(".-")[:80]


def check_jobs(jobs: list[Job], workshop: Workshop | None = None) -> None:
    """Refuse, before building anything, outputs outside the folder or given twice, and
    presets, sections, styles, patients and plan keywords that do not work: each job is
    planned as it will be built."""
    workshop = workshop or Workshop()
    problems, outputs = [], {}
    for job in jobs:
        output = job.output
        if (Path(output).is_absolute() or ".." in Path(output).parts
                or not output.lower().endswith(".pdf")):
            problems.append(f"{job.where}: output: '{output}' must be a relative path ending in"
                            " .pdf inside the output folder. Fix: remove '..' or the leading"
                            " '/'.")
        elif output in outputs:
            problems.append(f"{job.where}: output: '{output}' is also written by"
                            f" {outputs[output]}. Fix: give each job its own output.")
        outputs.setdefault(output, job.where)
        try:
            if job.patient_file and not Path(job.patient_file).is_file():
                raise InputError([f"patient: {job.patient_file}: file not found. Fix: check"
                                  " the path (relative to the manifest)."])
            plan_request(job.request(), workshop)
        except BookletError as error:
            problems.append(f"{job.where}: {error.message}")
    if problems:
        raise InputError(problems)


def shard(jobs: list[Job], number: int, count: int) -> list[Job]:
    """Shard `number` of `count` (1-based): the `number`-th of `count` runs of consecutive
    jobs, as even as can be, so shards never overlap, and a manifest's jobs of one look
    (listed together, as in the catalogue) mostly go to one machine, which draws each of
    their sections once (booklet.layout.replay)."""
    return [job for position, job in enumerate(jobs)
            if position * count // len(jobs) == number - 1]


def parse_shard(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d+)/(\d+)", text or "")
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise InputError([f"--shard: '{text}' is not like 2/4. Fix: give the shard number,"
                          " a slash and the number of shards (1 <= shard <= shards)."])
    return int(match[1]), int(match[2])


def _frozen(settings: dict) -> tuple:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v)
                        for k, v in settings.items()))


def _patient(job: Job):
    """The job's patient, from its file or its inline fields; None without one."""
    if job.patient_file:
        return load_patient(Path(job.patient_file))
    if job.patient_fields:
        # the failure line names the job already: the fields are "patient" within it
        return patient_from_data(json.loads(job.patient_fields), "patient")
    return None


def _selection(job: Job) -> tuple:
    sections = job.setting("sections")
    everything = sections == "all"
    return (job.setting("preset"), () if everything or sections is None else tuple(sections),
            everything)


# --- building ---------------------------------------------------------------------------------

PACKAGE = Path(__file__).resolve().parent
# The libraries and font packages whose versions shape a PDF's bytes.
SHAPING_DISTRIBUTIONS = ("reportlab", "rl_accel", "fontpkg", "fontpkg-atkinson-hyperlegible",
                         "fontpkg-noto-sans", "fontpkg-noto-sans-arabic",
                         "fontpkg-noto-sans-devanagari", "fontpkg-noto-sans-thai", "uharfbuzz",
                         "python-bidi", "svglib", "pyphen", "PyYAML", "pypdf",
                         "fhir.resources")


@lru_cache(maxsize=None)
def program_hash(package: Path = PACKAGE) -> str:
    """The program itself: every module and message catalogue of the package (not the
    bundled content and styles, which each job hashes as it uses them), and the versions of
    the libraries and font packages that shape the output."""
    digest = hashlib.sha256()
    for file in sorted(p for p in package.rglob("*") if p.suffix in (".py", ".yaml")
                       and "data" not in p.relative_to(package).parts[:1]
                       and "__pycache__" not in p.parts):
        digest.update(str(file.relative_to(package)).encode())
        digest.update(file.read_bytes())
    for name in SHAPING_DISTRIBUTIONS:
        try:
            digest.update(f"{name}=={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name} absent".encode())
    return digest.hexdigest()


def _files_hash(files: tuple[str, ...], memo: dict) -> str:
    """A hash of these files' names and bytes; each file is read once per batch run
    (`memo`)."""
    digest = hashlib.sha256()
    for file in files:
        if ("hash", file) not in memo:
            memo["hash", file] = hashlib.sha256(Path(file).read_bytes()).digest()
        digest.update(file.encode())
        digest.update(memo["hash", file])
    return digest.hexdigest()


def _content_files(folder: Path, skip: tuple[str, ...], memo: dict) -> tuple[str, ...]:
    """Every file of a language's content folder, but none under `skip` (the output folder,
    the report): what a batch writes never changes what it reads. Listed once per run."""
    if ("files", folder, skip) not in memo:
        root = folder.resolve()
        memo["files", folder, skip] = tuple(
            str(p) for p in sorted(root.rglob("*")) if p.is_file()
            and not any(p.is_relative_to(s) for s in skip))
    return memo["files", folder, skip]


def _job_content_files(request: BookletRequest, skip: tuple[str, ...],
                       workshop: Workshop) -> tuple[str, ...]:
    """The content files a job's PDF can depend on: every file of its language's folder but
    the section files of sections it does not print (so an edit to one section rebuilds only
    the jobs that print it), and the bundled layout words and language file of its language
    when the folder has none of its own."""
    library = request_library(request, workshop)
    plan, _ = plan_request(request, workshop)
    printed = {str(s.path.resolve()) for s in plan.sections}
    sections = library.root.resolve() / "sections"
    files = [f for f in _content_files(library.root, skip, workshop.run_memo)
             if f in printed or not _is_section_file(Path(f), sections)]
    fallback = bundled("content") / language_code(plan.info.language, "lang")
    files += [str(fallback / name) for name in ("language.yaml", "messages.yaml")
              if not (library.root / name).is_file() and (fallback / name).is_file()]
    return tuple(files)


def _is_section_file(path: Path, sections: Path) -> bool:
    """True for a file content.load_library reads as a section (sections/*.yaml, *.yml)."""
    return path.parent == sections and path.suffix in (".yaml", ".yml")


def _style_files(name: str, workshop: Workshop) -> tuple[str, ...]:
    """The style file and exactly the files it names (logo, fonts)."""
    style = workshop.style(style_path(name))
    return tuple(str(p) for p in (style.path, style.logo and style.logo.path,
                                  *(style.font_files or ())) if p)


def input_hash(job: Job, request: BookletRequest, skip: tuple[str, ...] = (),
               workshop: Workshop | None = None) -> str:
    """What a job's PDF depends on: the program, its settings, the content it prints from,
    the style and the files it names, and the patient; nothing under `skip` (resolved
    paths)."""
    workshop = workshop or Workshop()
    memo = workshop.run_memo
    digest = hashlib.sha256()
    parts = [program_hash(), repr(job.settings), job.output,
             _files_hash(_job_content_files(request, skip, workshop), memo),
             _files_hash(_style_files(job.setting("style", "default"), workshop), memo),
             job.patient_fields or ""]
    if job.patient_file:
        parts.append(Path(job.patient_file).read_bytes().hex())
    for part in parts:
        digest.update(str(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()


def print_file_name(output: str) -> str:
    """Where a job's imposed copy goes: beside its PDF, NAME-print.pdf."""
    path = Path(output)
    return str(path.with_name(f"{path.stem}-print{path.suffix or '.pdf'}"))


def build_job(job: Job, out_dir: str, known: str | None, force: bool,
              skip: tuple[str, ...] = (), workshop: Workshop | None = None,
              summarize: bool = False) -> Result:
    """Build one job in this process, with its Workshop, and the imposed copy it asks for;
    with `summarize` (batch --report), what printing it takes. Any error becomes the job's
    one-line reason."""
    started = time.perf_counter()
    target = Path(out_dir) / job.output
    sheet = job.setting("impose")
    printed = Path(out_dir) / print_file_name(job.output) if sheet else None
    workshop = workshop or Workshop()
    try:
        request = job.request()
        digest = input_hash(job, request, skip, workshop)
        if not force and known == digest and target.is_file() and (
                printed is None or printed.is_file()):
            return Result(job.index, job.output, "skipped", input_hash=digest,
                          print_file=print_file_name(job.output) if sheet else "")
        made = make_booklet(request, workshop)
        pdf, pages = made.pdf, made.pages
        target.parent.mkdir(parents=True, exist_ok=True)
        if printed is not None:
            from .messages import catalogue
            from .press import impose
            note = catalogue(made.plan.info.language.split("-")[0])["blank_page"]
            try:                # refused before anything is written
                imposed = impose(pdf, sheet, blank_note=note)
            except InputError as error:   # in a manifest the option is the job's impose:
                raise InputError([line.replace("--sheet ", "impose: ")
                                  for line in error.problems]) from None
        write_atomic(target, pdf)
        if printed is not None:
            write_atomic(printed, imposed)
        printing = None
        if summarize:
            from dataclasses import asdict as fields_of
            from .press import print_summary
            printing = fields_of(print_summary(pdf))
        return Result(job.index, job.output, "built", pages=pages,
                      seconds=round(time.perf_counter() - started, 3), input_hash=digest,
                      notes=made.notes, print_file=print_file_name(job.output) if sheet else "",
                      printing=printing)
    except BookletError as error:
        return Result(job.index, job.output, "failed", reason=error.message)
    except Exception as error:   # one broken job must not stop the batch; report it
        return Result(job.index, job.output, "failed",
                      reason=f"internal error ({type(error).__name__}); please report it")


_WORKER_WORKSHOP: Workshop | None = None   # in a worker process: its own Workshop


def _start_worker(workshop: Workshop) -> None:
    global _WORKER_WORKSHOP
    _WORKER_WORKSHOP = workshop     # forked: the parent's, copied into this process


def _build_in_worker(args) -> list[Result]:
    run, summarize = args
    return [build_job(*task, workshop=_WORKER_WORKSHOP, summarize=summarize) for task in run]


def _runs(tasks: list, workers: int) -> list[list]:
    """The tasks in runs, each built by one worker: the jobs of one look (content, language,
    style, paper, sides) together, as a worker draws each section once a look and replays it
    into the booklets after (booklet.layout.replay); no run is longer than a quarter of a
    worker's share. The runs that cost most come first, so the workers finish together: a
    run's cost is taken as its jobs times the size of their language's content (a Spanish
    booklet takes about 1.4 times as long as an English one)."""
    longest = max(1, len(tasks) // (workers * 4))
    looks: dict = {}
    for task in tasks:
        job = task[0]
        looks.setdefault((job.content_dir, job.setting("lang") or job.setting("default_lang"),
                          job.setting("style"), job.setting("paper"), job.setting("duplex")),
                         []).append(task)
    runs = [(look, group[at:at + longest]) for look, group in looks.items()
            for at in range(0, len(group), longest)]
    weight = lru_cache(maxsize=None)(_content_size)
    return [run for look, run in sorted(runs, key=lambda lr: len(lr[1]) * weight(*lr[0][:2]),
                                        reverse=True)]


def _content_size(content_dir: str | None, language: str | None) -> int:
    """The bytes of one language's content files (1 when they cannot be read: the jobs say
    why when they are built)."""
    try:
        folder = language_folder(Path(content_dir) if content_dir else bundled("content"),
                                 language)
        return 1 + sum(p.stat().st_size for p in folder.rglob("*.yaml"))
    except (BookletError, OSError):
        return 1


def run_jobs(jobs: list[Job], out_dir: Path, workers: int, force: bool = False,
             on_result=None, report: Path | None = None,
             workshop: Workshop | None = None, summarize: bool | None = None) -> Summary:
    """Build the jobs with `workers` processes, each with a Workshop (a copy of `workshop`,
    or a fresh one); record each built PDF's input hash. What the run writes (the output
    folder, the report) is never part of an input hash."""
    workshop = workshop or Workshop()
    workshop.run_memo.clear()    # input files are hashed afresh for every run
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    skip = tuple(str(p.resolve()) for p in (out_dir, report) if p is not None)
    state_path = out_dir / STATE_FILE
    state = _read_state(state_path)
    for stale in out_dir.rglob(".*.part"):          # left by a run that was killed
        stale.unlink(missing_ok=True)
    tasks = [(job, str(out_dir), state.get(job.output), force, skip) for job in jobs]
    summarize = report is not None if summarize is None else summarize
    summary = Summary()

    saved = time.monotonic()

    def save_state() -> None:
        write_atomic(state_path, json.dumps(state, indent=1, sort_keys=True).encode())

    def record(result: Result) -> None:
        nonlocal saved
        summary.results.append(result)
        if result.status == "built":
            state[result.output] = result.input_hash
            if time.monotonic() - saved > STATE_SAVE_SECONDS:   # a killed run loses little
                save_state()
                saved = time.monotonic()
        if on_result:
            on_result(result)

    try:
        if workers <= 1 or len(tasks) <= 1:
            for task in tasks:
                record(build_job(*task, workshop=workshop, summarize=summarize))
        else:
            with multiprocessing.get_context("fork").Pool(
                    workers, initializer=_start_worker, initargs=(workshop,)) as pool:
                for results in pool.imap_unordered(
                        _build_in_worker, [(run, summarize) for run in _runs(tasks, workers)]):
                    for result in results:
                        record(result)
    finally:
        save_state()
    return summary


def _read_state(path: Path) -> dict[str, str]:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        return state if isinstance(state, dict) else {}
    except (OSError, ValueError):
        return {}


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
