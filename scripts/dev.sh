#!/usr/bin/env bash
# Developer entry point for fdclient.
#
#   bash scripts/dev.sh demo [fdclient args...]   set up, create the demo store, open the GUI
#   bash scripts/dev.sh test [pytest args...]     set up, run the whole test suite
#
# Works on a fresh Debian 12 machine with python3.11 (as root, or with sudo when not root)
# and is safe to run again: Debian packages are installed only when missing, the virtual
# environment is created only when missing, and `pip install -e '.[dev]'` runs only when
# pyproject.toml changed since the last install.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

VENV="$ROOT/.venv"
STAMP="$VENV/.fdclient-install.sha256"
DEMO_DIR=".data/demo"
# The demo's accounts share one password: FDCLIENT_PASSWORD if set, else this one.
DEMO_PASSWORD="${FDCLIENT_PASSWORD:-fdclient-demo}"
DEMO_USER="${FDCLIENT_USER:-doctor001}"

# Qt offscreen (QtGui links QtDBus even offscreen).
QT_PACKAGES=(libgl1 libegl1 libglib2.0-0 libfontconfig1 libx11-6 libxkbcommon0 libdbus-1-3)
# Chinese text: without a CJK font Qt draws boxes.
FONT_PACKAGES=(fonts-wqy-microhei fonts-wqy-zenhei fonts-arphic-uming)
# A real window on X11 (the xcb platform plugin).
XCB_PACKAGES=(libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
    libxcb-randr0 libxcb-render-util0 libxcb-render0 libxcb-shape0 libxcb-shm0 libxcb-sync1
    libxcb-xfixes0 libxcb-xkb1 libxkbcommon-x11-0 libcups2)
# A virtual display for a headless machine.
XVFB_PACKAGES=(xvfb xauth)
# What the tests check printed documents and workbooks with, as a user's machine would read
# them: poppler (pdffonts, pdftotext, pdfinfo, pdftoppm), zbar (decodes the cards' QR codes),
# LibreOffice Calc (opens the exported workbooks).
CHECK_PACKAGES=(poppler-utils poppler-data zbar-tools libreoffice-calc)

say() { printf '[dev] %s\n' "$*"; }
die() { printf '[dev] error: %s\n' "$*" >&2; exit 1; }

usage() {
    cat <<'EOF'
usage: bash scripts/dev.sh demo [fdclient args...]
       bash scripts/dev.sh test [pytest args...]

  demo   set up, create a demo township store in ./.data/demo (once), open the GUI on it
         signed in as doctor001 (password fdclient-demo, or FDCLIENT_PASSWORD when set);
         under xvfb-run when there is no display; FDCLIENT_SCREENSHOT=PATH saves a
         picture of the window and exits
  test   set up, check the code (ruff, mypy), run the test suite with Qt offscreen;
         exits non-zero on the first failure
EOF
}

# Run a command as root: directly when root, through sudo otherwise.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root to run: $* (run as root or install sudo)"
    fi
}

# Run a command with its output kept in a log; show the log only when it fails.
quietly() {
    local log status
    log="$(mktemp "${TMPDIR:-/tmp}/fdclient-dev.XXXXXX")"
    if "$@" >"$log" 2>&1; then
        rm -f "$log"
        return 0
    else
        status=$?
    fi
    cat "$log" >&2
    rm -f "$log"
    printf '[dev] error: failed (exit %s): %s\n' "$status" "$*" >&2
    return "$status"
}

is_installed() {
    local status
    status="$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" || return 1
    [[ "$status" == *" installed" ]]
}

APT_UPDATED=0

# Install the Debian packages given that are not installed yet.
ensure_packages() {
    if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
        say "not a Debian system: make sure these are installed: $*"
        return 0
    fi
    local missing=() pkg
    for pkg in "$@"; do
        is_installed "$pkg" || missing+=("$pkg")
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        return 0
    fi
    say "installing Debian packages: ${missing[*]}"
    if [ "$APT_UPDATED" -eq 0 ]; then
        quietly as_root apt-get update
        APT_UPDATED=1
    fi
    quietly as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends "${missing[@]}"
}

# The interpreter for the virtual environment: python3.11, or python3 if it is 3.11-3.13.
PYTHON_OK='import sys; sys.exit(not ((3, 11) <= sys.version_info[:2] < (3, 14)))'
find_python() {
    local candidate
    for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c "$PYTHON_OK" >/dev/null 2>&1; then
            printf '%s\n' "$candidate"
            return 0
        fi
    done
    die "need Python 3.11 (apt-get install python3 python3-venv on Debian 12)"
}

venv_ok() {
    [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -m pip --version >/dev/null 2>&1
}

ensure_venv() {
    venv_ok && return 0
    local python
    python="$(find_python)"
    if [ -e "$VENV" ]; then
        say "the virtual environment in .venv is broken: recreating it"
        rm -rf "$VENV"
    fi
    say "creating .venv with $python ($("$python" --version 2>&1))"
    if ! "$python" -m venv "$VENV" >/dev/null 2>&1 || ! venv_ok; then
        # Debian's python3 has no ensurepip without python3-venv.
        rm -rf "$VENV"
        ensure_packages python3-venv
        quietly "$python" -m venv "$VENV"
        venv_ok || die "could not create a working virtual environment in .venv"
    fi
}

ensure_project_installed() {
    local want have=""
    want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
    if [ -f "$STAMP" ]; then
        have="$(cat "$STAMP")"
    fi
    if [ "$want" = "$have" ] && [ -x "$VENV/bin/fdclient" ]; then
        return 0
    fi
    say "installing fdclient and its dependencies into .venv (pip install -e '.[dev]')"
    say "(pyproject.toml changed or first install: a few minutes the first time)"
    quietly "$VENV/bin/python" -m pip install --disable-pip-version-check -e '.[dev]'
    printf '%s\n' "$want" >"$STAMP"
}

setup() {
    ensure_packages "${QT_PACKAGES[@]}" "${FONT_PACKAGES[@]}"
    ensure_venv
    ensure_project_installed
}

has_display() {
    [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]
}

cmd_demo() {
    local gui=()
    if has_display; then
        if [ -n "${DISPLAY:-}" ]; then
            ensure_packages "${XCB_PACKAGES[@]}"
        fi
    else
        say "no display (DISPLAY/WAYLAND_DISPLAY unset): running under xvfb-run, window invisible"
        say "(FDCLIENT_SCREENSHOT=/tmp/shot.png saves a picture of the window and exits)"
        ensure_packages "${XVFB_PACKAGES[@]}" "${XCB_PACKAGES[@]}"
        gui=(xvfb-run -a -s "-screen 0 1366x768x24")
    fi
    setup

    local database
    database="$("$VENV/bin/python" -c 'from fdclient.paths import DATABASE_FILE as f; print(f)' \
        2>/dev/null || echo fdclient.db)"
    if [ ! -f "$DEMO_DIR/$database" ]; then
        say "creating the demo township store in $DEMO_DIR"
        if ! FDCLIENT_PASSWORD="$DEMO_PASSWORD" "$VENV/bin/fdclient" --data-dir "$DEMO_DIR" demo; then
            # No half-made store: the next run tries again (logs/ stays for reading).
            die "creating the demo store failed (see above)"
        fi
    else
        say "using the demo store in $DEMO_DIR (delete the folder to make a new one)"
    fi

    say "opening the GUI: sign in as $DEMO_USER (password: $DEMO_PASSWORD)"
    if [ -n "${FDCLIENT_SCREENSHOT:-}" ]; then
        export FDCLIENT_PASSWORD="$DEMO_PASSWORD"  # no one to type it
    fi
    exec "${gui[@]}" "$VENV/bin/fdclient" --data-dir "$DEMO_DIR" --user "$DEMO_USER" "$@"
}

cmd_test() {
    ensure_packages "${CHECK_PACKAGES[@]}"
    setup
    say "checking the code: ruff (lint, imports, format) and mypy"
    "$VENV/bin/ruff" check fdclient fdserver tests bench
    "$VENV/bin/ruff" format --check fdclient fdserver tests bench
    "$VENV/bin/mypy"
    say "running the tests"
    QT_QPA_PLATFORM=offscreen exec "$VENV/bin/python" -m pytest "$@"
}

main() {
    local command="${1:-}"
    if [ "$#" -gt 0 ]; then
        shift
    fi
    case "$command" in
        demo) cmd_demo "$@" ;;
        test) cmd_test "$@" ;;
        -h | --help | help) usage ;;
        *)
            usage >&2
            exit 2
            ;;
    esac
}

main "$@"
