"""Runs `manage.py db_worker` and starts it again whenever it exits, until told to stop (SIGTERM or Ctrl-C,
which it passes on to the worker). A worker that dies quickly again and again is restarted after a growing
pause, at most a minute. On a server, systemd (Restart=always) does the same; this serves `make run` and
servers without systemd."""

import argparse
import signal
import subprocess
import sys
import threading
import time

from django.core.management.base import BaseCommand

RESTART_PAUSE_MAX = 60.0
RAN_LONG_ENOUGH = 60.0  # a worker that ran this long was healthy: restart it at once


class Command(BaseCommand):
    help = "Run db_worker and restart it whenever it exits; arguments after -- go to db_worker"

    def add_arguments(self, parser):
        parser.add_argument("worker_args", nargs=argparse.REMAINDER,
                            help="arguments for db_worker, e.g. -- --queue-name=default")

    def handle(self, *, worker_args, verbosity, **options):
        worker_args = [arg for arg in worker_args if arg != "--"]
        # The worker's own autoreloader would be a second supervisor, one that does not pass signals on.
        command = [sys.executable, "-m", "django", "db_worker", "--no-reload", *worker_args]
        stopping = threading.Event()
        worker = None

        def stop(signum, _frame):
            stopping.set()
            if worker is not None and worker.poll() is None:
                worker.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        pause = 0.5  # doubled before the first restart
        while not stopping.is_set():
            started = time.monotonic()
            worker = subprocess.Popen(command)
            self.stdout.write(f"supervise_worker: db_worker started (pid {worker.pid})")
            code = worker.wait()
            if stopping.is_set():
                break
            pause = 1.0 if time.monotonic() - started > RAN_LONG_ENOUGH else min(pause * 2, RESTART_PAUSE_MAX)
            self.stderr.write(f"supervise_worker: db_worker exited with code {code}; restarting in {pause:.0f} s")
            stopping.wait(pause)
        if worker.poll() is None:
            worker.wait()
        self.stdout.write("supervise_worker: stopped")
