"""The Typst twin of a booklet (bench/twin.typ): the same plan's text, for measuring Typst
against `booklet` side by side in bench/bench.py. Needs the optional bench extra
(`pip install ".[bench]"`: the `typst` package).

    python bench/typst_twin.py one twin.pdf            # the default booklet's twin
    python bench/typst_twin.py one twin.pdf --preset everything --paper a4
    python bench/typst_twin.py data examples/catalogue.yaml twins.jsonl   # its booklet jobs
    python bench/typst_twin.py batch twins.jsonl --jobs 2     # prints: documents pages

`data` plans each booklet job of a manifest with booklet itself and writes one twin a line;
`batch` only compiles them (one warm typst.Compiler per worker process), so its time is
Typst's alone.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import re
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))


def twin_data(request) -> str:
    """The JSON twin.typ reads: everything the booklet prints but the layout."""
    from booklet.copies.workshop import Workshop
    from booklet.messages import catalogue
    from booklet.request import plan_request

    plan, _ = plan_request(request, Workshop())
    msgs = catalogue(plan.info.language)

    def block(b) -> dict:
        out = {"kind": b.kind}
        for name in ("text", "items", "columns", "rows"):
            if hasattr(b, name):
                out[name] = getattr(b, name)
        if b.kind in ("call_care_team", "call_911"):
            out["title"] = msgs[b.kind]
        if b.kind == "diagram":
            out["text"] = " ".join(f"{p.title}: {p.text}" for p in b.panels)
        if b.kind == "image":
            out["text"] = b.caption or b.alt
        return out

    contacts = plan.style.contacts
    return json.dumps({
        "title": plan.info.title, "subtitle": plan.info.subtitle,
        "short_title": plan.info.short_title, "clinic": plan.style.clinic,
        "disclaimer": plan.style.disclaimer or plan.info.disclaimer,
        "lang": plan.info.language.split("-")[0], "paper": plan.paper,
        "base_size": plan.style.base_size, "margin_in": plan.style.margin_in,
        "primary": plan.style.colors.primary, "warning": plan.style.colors.warning,
        "contents_title": msgs["contents"], "questions_title": msgs["questions_title"],
        "glossary_title": msgs["glossary_title"], "sources_title": msgs["sources_title"],
        "notes_title": msgs["notes_title"], "contacts_title": msgs["contacts_title"],
        "sections": [{"title": s.title, "body": [block(b) for b in s.body]}
                     for s in plan.sections],
        "question_groups": [{"title": g.title, "questions": [q.text for q in g.questions]}
                            for g in plan.question_groups],
        "terms": [{"term": t.term, "definition": t.definition} for t in plan.terms],
        "sources": [{"title": s.title, "publisher": s.publisher} for s in plan.sources],
        "contacts": " · ".join(v for v in (contacts.phone, contacts.hours, contacts.address,
                                           contacts.website) if v),
    }, ensure_ascii=False)


def font_folder() -> str:
    """Where Atkinson Hyperlegible is installed (fontpkg), for Typst's font_paths."""
    import fontpkg
    return str(Path(fontpkg.path("Atkinson Hyperlegible", weight=400)).parent)


def compile_twin(data: str, output: str | None = None, compiler=None):
    """The twin's PDF bytes (or written to `output`). A `typst.Compiler` made by
    `twin_compiler()` keeps Typst's caches from one document to the next."""
    import typst
    if compiler is None:
        return typst.compile(str(BENCH / "twin.typ"), output=output, root=str(BENCH),
                             font_paths=[font_folder()], sys_inputs={"data": data})
    return compiler.compile(output=output, sys_inputs={"data": data})


def twin_compiler():
    import typst
    return typst.Compiler(str(BENCH / "twin.typ"), root=str(BENCH), font_paths=[font_folder()])


_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")   # a page object in Typst's PDF
_COMPILER = None     # in a batch worker: its warm typst.Compiler


def _compile_in_worker(data: str) -> int:
    global _COMPILER
    if _COMPILER is None:
        _COMPILER = twin_compiler()
    pdf = compile_twin(data, compiler=_COMPILER)
    return len(_PAGE.findall(pdf))


def main() -> None:
    from booklet.request import BookletRequest
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("one")
    one.add_argument("output")
    one.add_argument("--preset")
    one.add_argument("--style", default="default")
    one.add_argument("--paper")
    one.add_argument("--lang")
    data = commands.add_parser("data")
    data.add_argument("manifest")
    data.add_argument("output")
    batch = commands.add_parser("batch")
    batch.add_argument("twins")
    batch.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    if args.command == "one":
        request = BookletRequest(preset=args.preset, style=args.style, paper=args.paper,
                                 language=args.lang)
        compile_twin(twin_data(request), output=args.output)
    elif args.command == "data":
        from booklet.batch import load_manifest
        jobs = [job.request() for job in load_manifest(Path(args.manifest))]
        with open(args.output, "w", encoding="utf-8") as out:
            for request in jobs:
                if request.format == "booklet":
                    out.write(twin_data(request) + "\n")
    else:
        twins = Path(args.twins).read_text(encoding="utf-8").splitlines()
        with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
            pages = sum(pool.imap_unordered(_compile_in_worker, twins))
        print(len(twins), pages)


if __name__ == "__main__":
    main()
