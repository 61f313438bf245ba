"""A private Redis for the reliability tests, so killing and restarting it disturbs nothing else."""

from __future__ import annotations

import shutil
import socket
import subprocess

import pytest

from tests.conftest import wait_for


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    def __init__(self, workdir):
        self.port = _free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None
        self.restarts = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self):
        import redis

        return redis.Redis.from_url(self.url)

    def _ping(self) -> bool:
        result = subprocess.run(
            ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True, timeout=5, check=False
        )
        return result.stdout.strip() == "PONG"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        command += ["--dir", str(self.workdir)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self._ping, timeout=20, message="the private Redis to answer")

    def stop(self) -> None:
        """Stop Redis. It keeps nothing on disk: every queued message is gone, as after a crash."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)

    def restart(self) -> None:
        self.stop()
        self.start()
        self.restarts += 1


@pytest.fixture
def private_redis(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    redis = PrivateRedis(tmp_path)
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture
def celery_on(private_redis):
    """Point this process's Celery app at the private Redis (tasks really go through the broker)."""
    from config.celery import app

    saved = {key: app.conf[key] for key in ("broker_url", "broker_write_url", "broker_read_url", "task_always_eager")}
    app.conf.broker_url = app.conf.broker_write_url = app.conf.broker_read_url = private_redis.url
    app.conf.task_always_eager = False
    _reset_pools(app)
    yield app
    for key, value in saved.items():
        app.conf[key] = value
    _reset_pools(app)


def _reset_pools(app) -> None:
    """Forget the cached connection and producer pools, which remember the broker they were made for
    (not closed: kombu keeps pools in a global registry, and a closed one would be handed out again)."""
    app._pool = None
    app.amqp._producer_pool = None
