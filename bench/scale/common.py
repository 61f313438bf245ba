"""What the scale benches share: the bench database (never the one the tests or the demo use), its two members and
the percentiles they print.

BENCH_DATABASE_URL names the database (default ``tumorboard_bench`` on the local server); ``world.py`` fills it.
"""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
BENCH_DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tumorboard_bench")
# The member who sees ~100k cases and the one who sees ~1k, in the same database: each coordinates one board.
WIDE, NARROW = "bench-wide", "bench-narrow"


def django_setup(settings: str = "config.settings.base") -> None:
    """Django on the bench database, from the repository root."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = BENCH_DATABASE_URL
    os.environ.setdefault("CONN_MAX_AGE", "600")  # one connection per process, as production keeps them (60 s)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    import django

    django.setup()


def world_missing() -> str | None:
    """Why the bench database cannot be used (None when ``world.py`` has filled it)."""
    from django.db import connection
    from django.db.utils import OperationalError, ProgrammingError

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM specialists_user WHERE username IN (%s, %s)", [WIDE, NARROW])
            if cursor.fetchone()[0] == 2:
                return None
    except (OperationalError, ProgrammingError) as exc:
        return f"{BENCH_DATABASE_URL} is not usable ({type(exc).__name__}); run `make bench-world` first"
    return f"{BENCH_DATABASE_URL} holds no bench world; run `make bench-world` first"


def percentile(values: list[float], p: float) -> float:
    """The ``p``-th percentile (0-100), by linear interpolation between the closest ranks."""
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1] if p < 100 else max(values)
