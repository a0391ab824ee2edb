"""Run every FaceNerve benchmark: each ``benchmarks/bench_*.py`` in turn, each writing benchmarks/results/*.md.

Usage: python benchmarks/run.py [--quick] [NAME ...]   e.g. ``run.py --quick photo batch``

Each benchmark is a script taking ``--quick``; it runs in its own process so one's memory and imports do not
colour another's figures. Run on a quiet machine: the figures are ratios against a baseline in the same run,
but absolute rates still depend on what else is running.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and smaller sets")
    parser.add_argument("names", nargs="*", help="benchmark names (bench_NAME.py); default all")
    args = parser.parse_args()
    scripts = sorted(HERE.glob("bench_*.py"))
    if args.names:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in args.names]
    failed = []
    for script in scripts:
        print(f"== {script.stem.removeprefix('bench_')}", flush=True)
        status = subprocess.call([sys.executable, str(script), *(["--quick"] if args.quick else [])])
        if status != 0:
            failed.append(script.stem)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
