#!/usr/bin/env bash
# One command: set up storyline with its dev tools and run every check: lint, types, tests,
# and the quality gate (bench/floors.json; it needs ../shared beside the repository).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/pytest -q -p no:cacheprovider
.venv/bin/python bench/gate.py
