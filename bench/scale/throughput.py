"""Requests per second of the API under gunicorn, as a share of a bare Django project's hello view under the same
gunicorn on the same machine in the same run (issue 20's goals: a case's detail ≥ 25 %, the case list with 50 per
page ≥ 10 %).

The app runs with the production settings (DEBUG off, persistent connections) on the bench database
(``world.py``'s 100k cases), as ``bench-wide``, who sees ~100k of them. The hello project is ``django-admin
startproject``'s, with its middleware, made in a temporary directory and deleted after. Load comes from ``wrk``
(Debian's package), or from a small Python load generator when it is missing. On Linux each figure also says where
the CPU went: milliseconds a request in the app's gunicorn workers and in PostgreSQL's processes (from /proc).

    make bench-http                       # or: .venv/bin/python bench/scale/throughput.py [--seconds S] [--rounds N]

``--ceiling`` also serves ``ceiling.py`` (the two reads with no middleware and no DRF: only the token's lookup and the
audited read) and prints its share of hello: the most any dispatch of these reads could reach on the machine.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from bench.scale.common import BENCH_DATABASE_URL, ROOT, WIDE, django_setup, world_missing

BIN = Path(sys.executable).parent
WORKERS = 2
CONNECTIONS = 4
HELLO_VIEW = """
from django.http import HttpResponse
from django.urls import path

urlpatterns = [path("", lambda request: HttpResponse("Hello, world."))]
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(app: str, *, cwd: Path, env: dict[str, str]):
    """``app`` served by gunicorn (WORKERS sync workers) on a free local port, until the block ends."""
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), app, "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS)],
        cwd=cwd,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    error = process.stderr.read().decode()[-2000:]
                    raise RuntimeError(f"gunicorn {app} did not start: {error}") from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def hello_project(directory: Path) -> None:
    """startproject's project with one view at /, DEBUG off."""
    subprocess.run([str(BIN / "django-admin"), "startproject", "hello", str(directory)], check=True)
    settings = directory / "hello" / "settings.py"
    text = settings.read_text().replace("DEBUG = True", "DEBUG = False")
    settings.write_text(text.replace("ALLOWED_HOSTS = []", 'ALLOWED_HOSTS = ["127.0.0.1"]'))
    (directory / "hello" / "urls.py").write_text(HELLO_VIEW)


def cpu_seconds(marker: str) -> float:
    """CPU time (user and system) so far of the processes whose command line holds ``marker``; 0 without /proc."""
    total = 0
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if marker.encode() not in (entry / "cmdline").read_bytes():
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def load_with_cpu(url: str, seconds: float, headers: dict[str, str], *, app: str) -> tuple[float, str]:
    """``load``'s requests per second, and the CPU a request cost the gunicorn workers of ``app`` (its WSGI module)
    and PostgreSQL's processes."""
    markers = (app, "postgres")
    before = [cpu_seconds(marker) for marker in markers]
    rate = load(url, seconds, headers)
    used = [1000 * (cpu_seconds(marker) - b) / (rate * seconds) for marker, b in zip(markers, before, strict=True)]
    return rate, f"CPU a request: gunicorn {used[0]:4.1f} ms, PostgreSQL {used[1]:4.1f} ms"


def load(url: str, seconds: float, headers: dict[str, str]) -> float:
    """Requests per second answered 200 at ``url`` with CONNECTIONS connections."""
    if shutil.which("wrk"):
        command = ["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{seconds:g}s", "--timeout", "30s"]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        output = subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout
        if "Non-2xx" in output or "Socket errors" in output:
            raise RuntimeError(f"{url} answered errors:\n{output}")
        return float(re.search(r"Requests/sec:\s+([0-9.]+)", output).group(1))
    return python_load(url, seconds, headers)


def python_load(url: str, seconds: float, headers: dict[str, str]) -> float:
    """The fallback load generator: CONNECTIONS threads, each a request after the other."""
    host_port, _, path = url.removeprefix("http://").partition("/")
    host, port = host_port.split(":")
    counts = [0] * CONNECTIONS
    deadline = time.monotonic() + seconds

    def run(index: int) -> None:
        while time.monotonic() < deadline:
            conn = http.client.HTTPConnection(host, int(port), timeout=30)
            conn.request("GET", "/" + path, headers=headers)
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status != 200:
                raise RuntimeError(f"{url} answered {response.status}")
            counts[index] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(CONNECTIONS)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10, help="load per figure (default 10 s)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the figures (default 3)")
    parser.add_argument("--ceiling", action="store_true", help="also the two reads with no middleware and no DRF")
    args = parser.parse_args()
    django_setup()
    missing = world_missing()
    if missing:
        sys.exit(missing)
    from knox.models import AuthToken

    from cases.selectors import cases_visible_to
    from specialists.models import User

    user = User.objects.get(username=WIDE)
    token = AuthToken.objects.create(user=user)[1]
    case = cases_visible_to(user).order_by("-created_at", "-id").values_list("public_id", flat=True)[500]
    app_env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": BENCH_DATABASE_URL,
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/9"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
    }
    auth = {"Authorization": f"Token {token}"}
    print(
        f"gunicorn, {WORKERS} sync workers; {'wrk' if shutil.which('wrk') else 'Python load'}, "
        f"{CONNECTIONS} connections, {args.seconds:g} s per figure; {os.cpu_count()} CPUs"
    )
    paths = {"detail": f"/api/v1/cases/{case}/", "list(50)": "/api/v1/cases/?page_size=50"}
    ceiling_paths = {"detail": f"/cases/{case}/", "list(50)": "/cases/"}
    shares: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="tumorboard-hello-") as directory, ExitStack() as served:
        hello_project(Path(directory))
        hello = served.enter_context(
            gunicorn("hello.wsgi", cwd=Path(directory), env={"DJANGO_SETTINGS_MODULE": "hello.settings"})
        )
        apps = {"": (served.enter_context(gunicorn("config.wsgi", cwd=ROOT, env=app_env)), "config.wsgi", paths)}
        if args.ceiling:
            ceiling = served.enter_context(gunicorn("bench.scale.ceiling", cwd=ROOT, env=app_env))
            apps["ceiling "] = (ceiling, "bench.scale.ceiling", ceiling_paths)
        for url, _module, app_paths in apps.values():  # warm every worker
            for app_path in app_paths.values():
                python_load(url + app_path, 3, auth)
        for _ in range(args.rounds):
            base, base_cpu = load_with_cpu(hello + "/", args.seconds, {}, app="hello.wsgi")
            print(f"hello    {base:6.0f}/s           {base_cpu}")
            for prefix, (url, module, app_paths) in apps.items():
                for name, app_path in app_paths.items():
                    rate, cpu = load_with_cpu(url + app_path, args.seconds, auth, app=module)
                    shares.setdefault(prefix + name, []).append(100 * rate / base)
                    print(f"{prefix + name:17s} {rate:6.0f}/s = {100 * rate / base:4.1f} %  {cpu}")
    medians = {name: sorted(values)[len(values) // 2] for name, values in shares.items()}
    print(
        f"median of {args.rounds}: detail {medians['detail']:.1f} % of hello (goal 25 %), "
        f"list(50) {medians['list(50)']:.1f} % (goal 10 %)"
    )
    if args.ceiling:
        print(
            f"the design's ceiling (no middleware, no DRF): detail {medians['ceiling detail']:.1f} %, "
            f"list(50) {medians['ceiling list(50)']:.1f} %"
        )
    kept_and_fresh(user)


def kept_and_fresh(user, repetitions: int = 30) -> None:
    """The figures above read the representations kept since the warm-up (``CaseRepresentation``); what the statement
    of a page of 50 and of a detail costs when they must be written afresh (the first read after a write of the case),
    timed in this process: medians of ``repetitions`` reads of each kind, alternated."""
    import statistics

    from cases.api.case_reads import case_json, cases_json
    from cases.models import CaseRepresentation
    from cases.selectors import cases_visible_fast

    ids, public_ids = zip(*cases_visible_fast(user).order_by("id").values_list("pk", "public_id")[:50], strict=True)
    reads = {
        "page of 50": (ids, lambda: cases_json(user, list(ids))),
        "detail": (ids[:1], lambda: case_json(user, public_ids[0])),
    }
    for name, (cases, read) in reads.items():
        timings: dict[str, list[float]] = {"kept": [], "afresh": []}
        for _ in range(repetitions):
            for how, times in timings.items():
                if how == "afresh":
                    CaseRepresentation.objects.filter(case_id__in=cases).delete()
                began = time.perf_counter()
                read()
                times.append(1000 * (time.perf_counter() - began))
        kept, afresh = (statistics.median(times) for times in timings.values())
        print(f"{name}: {kept:.2f} ms with its representations kept, {afresh:.2f} ms written afresh (in process)")


if __name__ == "__main__":
    main()
