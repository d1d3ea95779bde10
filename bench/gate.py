"""The quality gate CI runs: each evaluation in --quick mode against the floors in floors.json.

Exits non-zero, naming the figure, when any figure falls below its floor.

    .venv/bin/python bench/gate.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from functools import reduce
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
SHARED = BENCH.parents[1] / "shared"


def figure(results: dict[str, Any], path: str) -> float:
    value = reduce(lambda node, key: node[key], path.split("."), results)
    return float(value)  # booleans count as 0 / 1


def main() -> int:
    if not SHARED.exists():
        print(f"quality gate skipped: {SHARED} is absent")
        return 0
    floors = json.loads((BENCH / "floors.json").read_text())
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        for script, checks in floors.items():
            if script.startswith("_"):
                continue
            out = Path(tmp) / f"{script}.json"
            subprocess.run(
                [sys.executable, str(BENCH / script), "--quick", "--out", str(out)],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            results = json.loads(out.read_text())
            for path, floor in checks.items():
                got = figure(results, path)
                ok = got >= floor
                print(f"{'ok  ' if ok else 'FAIL'} {script} {path} = {got:.4f} (floor {floor})")
                if not ok:
                    failures.append(path)
    print(f"quality gate: {len(failures)} figure(s) below their floor")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
