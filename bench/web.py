"""Benchmark `booklet serve`: warm latency of a handout and of a personal booklet, and
requests per second with several clients, against a server on 127.0.0.1 only.

Run from the repository folder after `pip install ".[test]"`: `python bench/web.py`. Traffic
goes only to the local server this script starts, and stops after a fixed count.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar


def start_server() -> tuple[subprocess.Popen, str]:
    server = subprocess.Popen([sys.executable, "-m", "booklet", "serve", "--port", "0"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = server.stdout.readline()
    url = re.search(r"http://\S+/", line).group(0)
    return server, url


def client(url: str):
    """An opener with its own cookie, and the form's CSRF token."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    page = opener.open(url).read().decode()
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    return opener, token


def post(url: str, opener, token: str, fields: dict) -> float:
    body = urllib.parse.urlencode({**fields, "csrf": token, "action": "download"},
                                  doseq=True).encode()
    started = time.perf_counter()
    data = opener.open(urllib.request.Request(url, data=body)).read()
    assert data.startswith(b"%PDF-")
    return time.perf_counter() - started


HANDOUT = {"section": "when-to-call", "format": "handout", "name": "Sam Example"}
PERSONAL = {"section": "what-is-a-pnet", "format": "booklet", "name": "Sam Example",
            "care_team_rows": "1", "care_team-0-role": "Nurse", "care_team-0-name": "Pat Lee",
            "care_team-0-phone": "555-0100", "medicines_rows": "1",
            "medicines-0-name": "Octreotide", "plan": "octreotide"}


def latency(url: str, fields: dict, count: int) -> tuple[float, float]:
    opener, token = client(url)
    post(url, opener, token, fields)            # warm: the template is made once
    times = sorted(post(url, opener, token, fields) for _ in range(count))
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def throughput(url: str, fields: dict, clients: int, count: int) -> float:
    sessions = [client(url) for _ in range(clients)]

    def one(i: int) -> float:
        opener, token = sessions[i % clients]
        return post(url, opener, token, {**fields, "name": f"Patient {i}"})

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, range(count)))
    return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50)
    args = parser.parse_args()
    server, url = start_server()
    try:
        for name, fields in (("handout (2 pages)", HANDOUT), ("personal booklet", PERSONAL)):
            median, p95 = latency(url, fields, args.count)
            print(f"{name}, warm: median {median * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")
        for clients in (1, 4, 20):
            rate = throughput(url, PERSONAL, clients, args.count)
            print(f"personal booklets, {clients} clients: {rate:.1f} requests/s")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
