"""Stops a throwaway PostgreSQL cluster whose test process died without stopping it.

tests/postgres_cluster.py starts this beside each cluster with a pipe on its stdin. The pipe
closes when the test process ends, however it ends (a fixture's teardown, SIGTERM, SIGKILL):
then, if the cluster's folder is still there, this stops the server and removes the folder.
Usage: python cluster_reaper.py ROOT STOP_COMMAND...
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


def main() -> None:
    root, *stop = sys.argv[1:]
    sys.stdin.read()  # returns at end of file: the test process is gone or done
    if Path(root).is_dir():
        subprocess.run(stop, capture_output=True, timeout=60, check=False)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
