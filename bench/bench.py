"""Benchmark booklet builds on this machine (not a test). Run from the repository folder:

    python bench/bench.py            # all measurements, about two minutes on 2 cores
    python bench/bench.py --copies 50 --rounds 5

Reports: one booklet cold (a whole `booklet build` process), one booklet warm (in a process
that has built one before), a clinic list of personalized booklets through `booklet batch`
with --jobs 1 and --jobs 2, and the catalogue (examples/catalogue.yaml) with --jobs 2, with the
peak memory of the largest process. With the bench extra installed (`pip install ".[bench]"`:
the `typst` package), the cold booklet and the catalogue's booklets are made by Typst too, from
the same text (bench/typst_twin.py), and each line gives both per page and their ratio.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
SECTIONS = ["what-is-a-pnet"]          # with the personal pages: a booklet of about 20 pages


def patient(i: int) -> dict:
    """A made-up patient with every personal page filled in."""
    return {
        "name": f"Test Patient {i:03d}",
        "care_team": [{"role": "Surgeon", "name": f"Dr. Example {i % 7}", "phone": "555-0100"},
                      {"role": "Nurse", "name": "Sam Sample", "phone": "555-0101"}],
        "visits": [{"date": "2027-01-12", "time": "9:30 AM", "place": "Clinic B",
                    "purpose": "Talk about the scan results"}],
        "medicines": [{"name": "Octreotide", "for": "Hormone symptoms",
                       "how": "A shot once a month at the clinic"}],
        "plan": ["octreotide"] if i % 2 else [],
    }


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall time in seconds and peak RSS in MiB of the largest process the command ran."""
    probe = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
             "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
             "print(time.perf_counter() - t, "
             "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", probe, *command], cwd=cwd, check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[0]), int(out[1]) / 1024


def warm_per_booklet(copies: int) -> float:
    """Seconds per personalized booklet in a process that has built one already."""
    sys.path.insert(0, str(REPO))
    from booklet.copies.workshop import Workshop
    from booklet.patient import patient_from_data
    from booklet.request import BookletRequest, make_booklet

    workshop = Workshop()           # one per process, as the CLI and each batch worker have
    times = []
    for i in range(copies + 1):
        request = BookletRequest(sections=tuple(SECTIONS), patient=patient_from_data(patient(i), "bench"))
        started = time.perf_counter()
        make_booklet(request, workshop)
        if i:                      # the first copy fills the workshop
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def has_typst() -> bool:
    import importlib.util
    return importlib.util.find_spec("typst") is not None


def pdf_pages(folder: Path) -> int:
    return sum(_pages(p) for p in folder.rglob("*.pdf"))


def side_by_side(what: str, ours: tuple[float, int, float],
                 theirs: tuple[float, int, float] | None) -> None:
    """One line: seconds, pages, ms a page and peak memory, ours and Typst's, and the ratio."""
    seconds, pages, rss = ours
    line = (f"{what}: booklet {seconds:.2f} s, {pages} pages, {seconds / pages * 1000:.2f} ms"
            f" a page, peak {rss:.0f} MiB")
    if theirs:
        t_seconds, t_pages, t_rss = theirs
        ratio = (seconds / pages) / (t_seconds / t_pages)
        line += (f" | Typst {t_seconds:.2f} s, {t_pages} pages,"
                 f" {t_seconds / t_pages * 1000:.2f} ms a page, peak {t_rss:.0f} MiB"
                 f" | booklet/Typst a page: {ratio:.2f}")
    print(line, flush=True)


def typst_commands(folder: Path) -> dict:
    """Typst's commands for the cold booklet and the catalogue's booklets, after making their
    twins (not timed): what is timed is Typst compiling."""
    twin = [sys.executable, str(REPO / "bench" / "typst_twin.py")]
    subprocess.run([*twin, "data", "examples/catalogue.yaml", str(folder / "twins.jsonl")],
                   cwd=REPO, check=True)
    first = (folder / "twins.jsonl").read_text(encoding="utf-8").splitlines()[0]
    (folder / "one.jsonl").write_text(first + "\n", encoding="utf-8")
    compile_one = ("import sys; sys.path.insert(0, 'bench'); import typst_twin as t;"
                   f" t.compile_twin(open({str(folder / 'one.jsonl')!r}).read(),"
                   f" output={str(folder / 'twin.pdf')!r})")
    return {"cold": [sys.executable, "-c", compile_one],
            "catalogue": [*twin, "batch", str(folder / "twins.jsonl"), "--jobs", "2"]}


def interleaved(commands: list[list[str] | None], rounds: int) -> list[tuple[float, float]]:
    """Each command's fastest (seconds, peak MiB) of `rounds`, run in turns (A B A B ...), so
    that a drift in this machine's speed falls on both sides alike; None: not run."""
    runs: list[list] = [[] for _ in commands]
    for _ in range(rounds):
        for command, found in zip(commands, runs):
            if command is not None:
                found.append(timed(command, REPO))
    return [min(found, key=lambda r: r[0]) if found else None for found in runs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3,
                        help="turns for the cold booklet (the catalogue gets one fewer)")
    parser.add_argument("--no-typst", action="store_true", help="leave Typst out")
    args = parser.parse_args()
    booklet = [sys.executable, "-m", "booklet"]
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        version = min(timed([*booklet, "--version"], REPO)[0] for _ in range(3))
        print(f"booklet --version (whole process, best of 3): {version:.2f} s")
        typst = typst_commands(folder) if has_typst() and not args.no_typst else {}
        ours, theirs = interleaved([[*booklet, "build", "-o", str(folder / "cold.pdf")],
                                    typst.get("cold")], args.rounds)
        side_by_side(f"one booklet, cold (whole process, default preset, best of {args.rounds})",
                     (ours[0], _pages(folder / "cold.pdf"), ours[1]),
                     theirs and (theirs[0], _pages(folder / "twin.pdf"), theirs[1]))
        booklets = folder / "booklets.yaml"
        manifest = yaml.safe_load((REPO / "examples" / "catalogue.yaml").read_text("utf-8"))
        manifest["jobs"] = [j for j in manifest["jobs"] if j.get("format") != "handout"]
        booklets.write_text(yaml.safe_dump(manifest), encoding="utf-8")
        rounds = max(1, args.rounds - 1)
        ours, theirs = interleaved([[*booklet, "batch", str(booklets), "--out-dir",
                                     str(folder / "catalogue"), "--jobs", "2", "--force"],
                                    typst.get("catalogue")], rounds)
        twin_pages = None
        if theirs:
            out = subprocess.run(typst["catalogue"], cwd=REPO, check=True, capture_output=True,
                                 text=True).stdout.split()
            twin_pages = int(out[1])
        side_by_side(f"the catalogue's {len(manifest['jobs'])} booklets, --jobs 2,"
                     f" best of {rounds}", (ours[0], pdf_pages(folder / "catalogue"), ours[1]),
                     theirs and (theirs[0], twin_pages, theirs[1]))
        seconds, rss = timed([*booklet, "batch", "examples/catalogue.yaml", "--out-dir",
                              str(folder / "whole"), "--jobs", "2", "--force"], REPO)
        side_by_side("the whole catalogue (booklets and handouts), --jobs 2",
                     (seconds, pdf_pages(folder / "whole"), rss), None)
        print(f"one personalized booklet, warm: {warm_per_booklet(20) * 1000:.0f} ms")
        jobs = [{"output": f"p{i:03d}.pdf", "sections": SECTIONS, "patient": patient(i)}
                for i in range(args.copies)]
        manifest = folder / "clinic.yaml"
        manifest.write_text(yaml.safe_dump({"jobs": jobs}), encoding="utf-8")
        for workers in (1, 2):
            seconds, rss = timed([*booklet, "batch", str(manifest), "--out-dir",
                                  str(folder / "out"), "--jobs", str(workers), "--force"], REPO)
            pages = _pages(folder / "out" / "p000.pdf")
            print(f"{args.copies} personalized booklets ({pages} pages each), --jobs {workers}:"
                  f" {seconds:.1f} s ({seconds / args.copies * 1000:.0f} ms a copy),"
                  f" peak {rss:.0f} MiB per process")


def _pages(path: Path) -> int:
    import pypdf
    return len(pypdf.PdfReader(path).pages)


if __name__ == "__main__":
    main()
