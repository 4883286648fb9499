"""Run `booklet serve` in a subprocess for the browser tests, and keep everything it prints.

    with BookletServer() as server:
        open(server.url)          # http://127.0.0.1:PORT/
        server.tmp                # the server's own TMPDIR (a fresh, empty folder)
        server.output()           # stdout + stderr so far (the access log is on stderr)
    server.output()               # everything, once it has stopped

The server gets a port of its own (--port 0) and the address it prints on its first line is
read back; nothing else is shared with the test process.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ADDRESS = re.compile(r"booklet serve: open (http://\S+/) in a browser")


class BookletServer:
    """`python -m booklet serve --host 127.0.0.1 --port 0 [args]` as a context manager."""

    def __init__(self, *args: str, tmp: Path | None = None, timeout: float = 30.0,
                 env: dict[str, str] | None = None) -> None:
        self.args = args
        self.timeout = timeout
        self.extra_env = env or {}
        self._own_tmp = tmp is None
        self.tmp = Path(tmp) if tmp is not None else Path(tempfile.mkdtemp(prefix="booklet-serve-"))
        self.url = ""
        self.process: subprocess.Popen | None = None
        self._lines: list[str] = []
        self._lock = threading.Lock()
        self._readers: list[threading.Thread] = []
        self._found = threading.Event()

    # -- starting and stopping --------------------------------------------------------------
    def start(self) -> BookletServer:
        self.tmp.mkdir(parents=True, exist_ok=True)
        folder = str(self.tmp)
        env = {**os.environ, "TMPDIR": folder, "TMP": folder, "TEMP": folder,
               "PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8", **self.extra_env}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "booklet", "serve", "--host", "127.0.0.1", "--port", "0",
             *self.args],
            cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace")
        for stream in (self.process.stdout, self.process.stderr):
            reader = threading.Thread(target=self._read, args=(stream,), daemon=True)
            reader.start()
            self._readers.append(reader)
        deadline = time.monotonic() + self.timeout
        while not self._found.wait(0.05):
            if self.process.poll() is not None or time.monotonic() > deadline:
                why = ("exited with status %s" % self.process.returncode
                       if self.process.poll() is not None
                       else "printed no address in %g s" % self.timeout)
                output = self.stop()
                raise RuntimeError(f"booklet serve {why}; its output:\n{output}")
        return self

    def stop(self) -> str:
        """End the server (politely, then not) and return all it printed."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        for reader in self._readers:
            reader.join(5)
        if self._own_tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
        return self.output()

    def __enter__(self) -> BookletServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- what it printed -------------------------------------------------------------------
    def _read(self, stream) -> None:
        for line in stream:
            with self._lock:
                self._lines.append(line)
            if not self.url:
                found = ADDRESS.search(line)
                if found:
                    self.url = found.group(1)
                    self._found.set()
        stream.close()

    def output(self) -> str:
        """Everything printed so far, stdout and stderr interleaved as they were read."""
        with self._lock:
            return "".join(self._lines)

    def wait_for_output(self, text: str, timeout: float = 5.0) -> bool:
        """Whether `text` appears in the output within `timeout` seconds (the log is written
        by another process, so a line can come a moment after the response)."""
        deadline = time.monotonic() + timeout
        while text not in self.output():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True
