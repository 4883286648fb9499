"""Benchmark booklet builds on this machine (not a test). Run from the repository folder:

    python bench/bench.py            # all measurements, about a minute on 2 cores
    python bench/bench.py --copies 50

Reports: one booklet cold (a whole `booklet build` process), one booklet warm (in a process
that has built one before), and a clinic list of personalized booklets through `booklet batch`
with --jobs 1 and --jobs 2, with the peak memory of the largest process.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=200)
    args = parser.parse_args()
    booklet = [sys.executable, "-m", "booklet"]
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        version = min(timed([*booklet, "--version"], REPO)[0] for _ in range(3))
        print(f"booklet --version (whole process, best of 3): {version:.2f} s")
        cold, cold_rss = timed([*booklet, "build", "-o", str(folder / "cold.pdf")], REPO)
        print(f"one booklet, cold (whole process, default preset): {cold:.2f} s,"
              f" peak {cold_rss:.0f} MiB")
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
