#!/usr/bin/env bash
# Update the translation sources from the code and compile them.
#
#   bash scripts/build_translations.sh
#
# 1. pyside6-lupdate adds every QCoreApplication.translate(context, text) string of fdclient/
#    to resources/translations/fdclient_*.ts (new ones marked unfinished; strings no longer
#    in the code are dropped);
# 2. translate the unfinished ones (pyside6-linguist, or edit the XML);
# 3. run this again: pyside6-lrelease compiles each .ts to the .qm the program loads.
# Commit both the .ts and the .qm. tests/ui/test_translations.py checks that they are
# complete and in step with the code.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BIN="${VENV:-$ROOT/.venv}/bin"
for tool in pyside6-lupdate pyside6-lrelease; do
    if [ ! -x "$BIN/$tool" ]; then
        echo "missing $BIN/$tool: run 'bash scripts/dev.sh test' first" >&2
        exit 1
    fi
done

shopt -s nullglob
catalogs=(resources/translations/fdclient_*.ts)
[ "${#catalogs[@]}" -gt 0 ] || { echo "no resources/translations/fdclient_*.ts" >&2; exit 1; }

for ts in "${catalogs[@]}"; do
    "$BIN/pyside6-lupdate" -silent -extensions py -locations none -no-obsolete fdclient -ts "$ts"
    "$BIN/pyside6-lrelease" -silent "$ts" -qm "${ts%.ts}.qm"
    unfinished="$(grep -c 'type="unfinished"' "$ts" || true)"
    if [ "$unfinished" -gt 0 ]; then
        echo "$ts: $unfinished unfinished translation(s) to do" >&2
    fi
    echo "compiled ${ts%.ts}.qm"
done
