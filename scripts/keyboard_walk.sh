#!/usr/bin/env bash
# Work the demo township end to end with the keyboard alone, as a real X client under Xvfb at
# 1366x768 (issue 7's "done when"): sign in, find, register, sign, record, review.
#
#   bash scripts/keyboard_walk.sh [OUT_DIR]        (default OUT_DIR: /tmp/keyboard-walk)
#
# Makes a small demo store in a temporary folder, starts Xvfb (display $WALK_DISPLAY, :77 by
# default; no window manager) and `fdclient --user doctor001`, types with xdotool and saves
# a screenshot after each step in OUT_DIR (NN-step.png). At the end it quits with Ctrl+Q and
# compares `fdclient stats` before and after: three more residents, three more signed.
# Needs: Xvfb, xdotool, ImageMagick's `import` (apt-get install xvfb xdotool imagemagick)
# and the Qt xcb libraries (docs: STACK-NOTES).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-/tmp/keyboard-walk}"
DISPLAY_NAME="${WALK_DISPLAY:-:77}"
FDCLIENT="${VENV:-$ROOT/.venv}/bin/fdclient"
PYTHON="${VENV:-$ROOT/.venv}/bin/python"
PASSWORD="walk-pass-1"
DATA="$(mktemp -d /tmp/keyboard-walk-store.XXXXXX)"
for tool in Xvfb xdotool import; do
    command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install xvfb xdotool imagemagick)" >&2; exit 1; }
done
mkdir -p "$OUT"
rm -f "$OUT"/*.png

XVFB_PID=""
APP_PID=""
cleanup() {
    [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null || true
    [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null || true
    rm -rf "$DATA"
}
trap cleanup EXIT

say() { printf '%s\n' "$*"; }
stats() { FDCLIENT_PASSWORD="$PASSWORD" "$FDCLIENT" --data-dir "$DATA" --user doctor001 stats 2>/dev/null | head -8; }

say "demo store in $DATA"
FDCLIENT_PASSWORD="$PASSWORD" "$FDCLIENT" --data-dir "$DATA" demo --villages 2 --households 60 >/dev/null
BEFORE="$(stats)"

# Fresh, valid ID numbers (GB 11643) for the new household: the head (b. 1950-03-01, male),
# his wife (1952-08-09) and their son (1980-06-06).
read -r HEAD_ID WIFE_ID SON_ID < <("$PYTHON" - <<'PY'
import random
from datetime import date
from fdclient.domain.identity import make_id_number
n = random.randrange(100, 490) * 2 + 1
print(make_id_number("360111", date(1950, 3, 1), n),
      make_id_number("360111", date(1952, 8, 9), n + 1),
      make_id_number("360111", date(1980, 6, 6), n + 2))
PY
)
ADDRESS="键盘巷 $((RANDOM % 900 + 100)) 号"

Xvfb "$DISPLAY_NAME" -screen 0 1366x768x24 -nolisten tcp >/dev/null 2>&1 &
XVFB_PID=$!
export DISPLAY="$DISPLAY_NAME"
for _ in $(seq 50); do xdotool getmouselocation >/dev/null 2>&1 && break; sleep 0.1; done

# The window with the keyboard focus has a title containing $1 (waits up to 20 s).
wait_focus() {
    for _ in $(seq 200); do
        if xdotool getwindowfocus getwindowname 2>/dev/null | grep -q -- "$1"; then
            sleep 0.6  # painted
            return 0
        fi
        sleep 0.1
    done
    echo "timed out waiting for a window titled “$1”; focus: $(xdotool getwindowfocus getwindowname 2>&1)" >&2
    shot "timeout"
    exit 1
}
STEP=0
shot() {
    STEP=$((STEP + 1))
    sleep 0.4
    import -window root "$OUT/$(printf '%02d' "$STEP")-$1.png"
}
keys() { xdotool key --delay 60 "$@"; }
type_text() { xdotool type --delay 60 -- "$1"; sleep 0.3; }

"$FDCLIENT" --data-dir "$DATA" --user doctor001 >"$OUT/app.log" 2>&1 &
APP_PID=$!

say "sign in"
wait_focus "登录"
shot "sign-in"
type_text "$PASSWORD"
keys Return
wait_focus "罗家镇"
sleep 1.5  # the dashboard's figures
shot "dashboard"

say "find: Ctrl+F, pinyin, Down, Enter"
keys ctrl+f
type_text "wang"
shot "search-as-you-type"
keys Down Return
sleep 0.8
shot "record-found"

say "register: Ctrl+2, Ctrl+N, the household and its head, Ctrl+S"
keys ctrl+2 ctrl+n
wait_focus "新建家庭"
type_text "$ADDRESS"
keys Tab
type_text "13900001111"
keys alt+n
type_text "司马大山"
keys alt+i
type_text "$HEAD_ID"
shot "new-household"
keys ctrl+s
wait_focus "罗家镇"
say "register: two members with Alt+A (添加成员), Ctrl+S each"
keys alt+a
wait_focus "添加家庭成员"
keys alt+n
type_text "李小梅"
keys alt+i
type_text "$WIFE_ID"
shot "add-member"
keys ctrl+s
wait_focus "罗家镇"
keys alt+a
wait_focus "添加家庭成员"
keys Down alt+n   # 20 子
type_text "司马小山"
keys alt+i
type_text "$SON_ID"
keys ctrl+s
wait_focus "罗家镇"
shot "household-of-three"

say "sign: Ctrl+3, Alt+N, the household by its head's name, members with Space and Tab, Alt+I, Ctrl+S"
keys ctrl+3 alt+n
wait_focus "^家庭医生签约 —"
type_text "司马大山"  # (the address typed with its spaces finds nothing: the finder drops them)
sleep 0.5
keys Return
sleep 0.8
keys Tab Tab space Tab          # the head: pre-ticked (65+), 本人, 已同意
keys Tab Tab space Tab          # his wife: pre-ticked (65+)
keys space Tab Tab space Tab    # their son: ticked here
keys alt+i
shot "signing-form"
keys ctrl+s
wait_focus "罗家镇"
shot "contract-signed"

say "record: the head's hypertension (Ctrl+H), then Ctrl+4, the follow-up, 170/105, Ctrl+S"
keys ctrl+f
type_text "$HEAD_ID"
keys Return
sleep 0.8
keys ctrl+h
wait_focus "个人基本信息"
keys alt+t
type_text "2020-03"
keys Return
shot "past-history"
keys ctrl+s
wait_focus "罗家镇"
keys ctrl+4
sleep 0.8
type_text "$HEAD_ID"
keys Return
sleep 0.5
keys Return
sleep 0.5
keys alt+b
type_text "170"
keys Tab
type_text "105"
keys alt+n
shot "follow-up"
keys ctrl+s
shot "follow-up-saved"

say "review: Ctrl+1"
keys ctrl+1
sleep 2.5
shot "dashboard-after"

keys ctrl+q
for _ in $(seq 100); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$APP_PID" 2>/dev/null; then
    echo "the program did not quit with Ctrl+Q" >&2
    exit 1
fi
APP_PID=""
AFTER="$(stats)"
# "在册居民 190 人，60 户；签约居民 125 人": residents, households, signed.
counts() { printf '%s\n' "$1" | sed -n 's/^在册居民 \([0-9]*\) 人，\([0-9]*\) 户；签约居民 \([0-9]*\) 人.*/\1 \2 \3/p'; }
read -r R0 H0 S0 < <(counts "$BEFORE")
read -r R1 H1 S1 < <(counts "$AFTER")
say "before: $R0 residents, $H0 households, $S0 signed; after: $R1, $H1, $S1"
say "screenshots in $OUT"
if [ "$((R1 - R0)) $((H1 - H0)) $((S1 - S0))" != "3 1 3" ]; then
    echo "expected one more household and three more residents, all signed" >&2
    exit 1
fi
say "ok: a household of three registered and signed with the keyboard alone (the follow-up: *-follow-up-saved.png)"
