#!/usr/bin/env bash
# One command: set up storyline and run it on the bundled sample corpus (examples/sample).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
db=${DB:-sample.db}
rm -f "$db" "$db-wal" "$db-shm"
.venv/bin/storyline build examples/sample --db "$db"
.venv/bin/storyline articles --db "$db"
.venv/bin/storyline quarantine --db "$db"
.venv/bin/storyline copies --db "$db"
.venv/bin/storyline families --db "$db"
.venv/bin/storyline stories --db "$db"
.venv/bin/storyline storylines --db "$db"
echo "Explore further: .venv/bin/storyline article bridge-closure-wire.txt --db $db"
echo "                 .venv/bin/storyline diff bridge-closure-wire.txt almeria-scoop-reprint.txt --db $db"
