#!/bin/bash
# ui/draw.c, drawing libvterm screens with ncurses, checked in tmux. Each
# case's bytes are drawn by draw-check (libvterm, then draw_screen, then
# refresh) in one pane, and cat'ed straight into another pane of the same
# size: tmux's own rendering is the reference. capture-pane -e -N of the
# two is read into cells (character with its combining marks, foreground,
# background, attributes) and compared cell for cell, as they look (a
# space's foreground, bold or italic cannot be seen). Where ncurses cannot
# show what tmux does, the expectation is the reference brought down the
# way draw.c means to: RGB to the nearest of 256 colours (as tmux itself
# does it), strike and dim dropped, every underline single. tmux's capture
# leaves out erased cells after a row's last written one, background and
# all, so the cases write something after such an erase, and one checks
# that erase on our side alone. draw_pair's choices on terminals of other
# kinds (8, 16, 88 colours, direct colour) are checked by number.
# DRAW_CHECK names the driver (tests/tui/draw-check.c); without it, it is
# built here with cc. KEEP=DIR keeps the inputs and captures there.
. "$(dirname "$0")/../integration/lib.sh"
command -v tmux >/dev/null || { echo "SKIP: tmux not installed"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
export LANG=C.UTF-8 LC_ALL=C.UTF-8
SRC=$(cd "$(dirname "$0")/../.." && pwd)
if [ -z "${DRAW_CHECK:-}" ]; then
	DRAW_CHECK=$T/draw-check
	# shellcheck disable=SC2046
	cc -std=gnu11 -Wall -Wextra -D_GNU_SOURCE -I"$SRC/ui" "$SRC/ui/draw.c" \
		"$SRC/tests/tui/draw-check.c" $(pkg-config --cflags --libs vterm ncursesw) \
		-o "$DRAW_CHECK" || { echo "FAIL: cannot build draw-check"; exit 1; }
fi
TM="tmux -L sbx-draw-$$ -f /dev/null"
trap '$TM kill-server 2>/dev/null; [ -n "${KEEP:-}" ] && cp -r "$T" "$KEEP"; cleanup' EXIT
$TM new-session -d -s hold 'sleep 600'

# Terminal types of our own (TERMINFO=$T/terminfo): ncurses' direct-colour
# entries on tmux (8 indexed colours, as xterm-direct; 256, as
# xterm-direct256; colon-separated 38:2::R:G:B, which tmux reads), and 16
# colours. Debian's ncurses-base has none of them.
cat >"$T/terminfo.src" <<'EOF'
sbx-direct|tmux with direct colour: ncurses' xterm+direct on tmux-256color,
	RGB, colors#0x1000000, pairs#0x10000, CO#8,
	setab=\E[%?%p1%{8}%<%t4%p1%d%e48\:2\:\:%p1%{65536}%/%d\:%p1%{256}%/%{255}%&%d\:%p1%{255}%&%d%;m,
	setaf=\E[%?%p1%{8}%<%t3%p1%d%e38\:2\:\:%p1%{65536}%/%d\:%p1%{256}%/%{255}%&%d\:%p1%{255}%&%d%;m,
	use=tmux-256color,
sbx-direct256|tmux with direct colour after 256 indexed ones: as xterm-direct256,
	RGB, colors#0x1000000, pairs#0x10000, CO#256,
	setab=\E[%?%p1%{8}%<%t4%p1%d%e%p1%{16}%<%t10%p1%{8}%-%d%e%p1%{256}%<%t48;5;%p1%d%e48\:2\:\:%p1%{65536}%/%d\:%p1%{256}%/%{255}%&%d\:%p1%{255}%&%d%;m,
	setaf=\E[%?%p1%{8}%<%t3%p1%d%e%p1%{16}%<%t9%p1%{8}%-%d%e%p1%{256}%<%t38;5;%p1%d%e38\:2\:\:%p1%{65536}%/%d\:%p1%{256}%/%{255}%&%d\:%p1%{255}%&%d%;m,
	use=tmux-256color,
sbx-16color|tmux with 16 colours,
	colors#16, pairs#256,
	setab=\E[%?%p1%{8}%<%t4%p1%d%e10%p1%{8}%-%d%;m,
	setaf=\E[%?%p1%{8}%<%t3%p1%d%e9%p1%{8}%-%d%;m,
	use=tmux-256color,
EOF
tic -x -o "$T/terminfo" "$T/terminfo.src" 2>"$T/tic.err" || { cat "$T/tic.err"; fail "tic"; }
export TERMINFO=$T/terminfo

# cells.py: capture-pane -e output read into cells, and the comparisons.
cat >"$T/cells.py" <<'EOF'
import ctypes, locale, sys

locale.setlocale(locale.LC_CTYPE, "C.UTF-8")
libc = ctypes.CDLL(None)
libc.wcwidth.argtypes = [ctypes.c_wchar]
BLANK = (" ", None, None, frozenset())
TAIL = ("", None, None, frozenset())   # the right half of a wide character
ATTR = {1: "bold", 2: "dim", 3: "italic", 5: "blink", 7: "reverse", 8: "hidden",
        9: "strike", 53: "overline"}
UNSET = {22: ("bold", "dim"), 23: ("italic",), 24: ("underline",), 25: ("blink",),
         27: ("reverse",), 28: ("hidden",), 29: ("strike",), 55: ("overline",)}

def colour(params, i):
    """38/48 at params[i], semicolon or colon form: (colour, next index)."""
    p = params[i]
    if len(p) > 1:      # 38:5:N, 38:2::R:G:B or 38:2:R:G:B
        if p[1] == "5":
            return ("i", int(p[2])), i + 1
        rgb = p[-3:]
        return ("rgb",) + tuple(int(v) for v in rgb), i + 1
    if params[i + 1][0] == "5":
        return ("i", int(params[i + 2][0])), i + 3
    return ("rgb",) + tuple(int(params[i + k][0]) for k in (2, 3, 4)), i + 5

def sgr(state, text):
    params = [p.split(":") for p in (text or "0").split(";")]
    i = 0
    while i < len(params):
        p = params[i]
        n = int(p[0] or 0)
        if n == 0:
            state.update(fg=None, bg=None, attrs=set())
        elif n in ATTR:
            state["attrs"].add(ATTR[n])
        elif n == 4:
            state["attrs"] -= {a for a in state["attrs"] if a.startswith("underline")}
            kind = int(p[1]) if len(p) > 1 else 1
            if kind:
                state["attrs"].add("underline" if kind == 1 else "underline:%d" % kind)
        elif n == 21:
            state["attrs"].add("underline:2")
        elif n in UNSET:
            state["attrs"] -= {a for a in state["attrs"] if a.startswith(UNSET[n])}
        elif 30 <= n <= 37 or 90 <= n <= 97:
            state["fg"] = ("i", n - 30 if n < 90 else n - 82)
        elif 40 <= n <= 47 or 100 <= n <= 107:
            state["bg"] = ("i", n - 40 if n < 100 else n - 92)
        elif n in (38, 48):
            c, i = colour(params, i)
            state["fg" if n == 38 else "bg"] = c
            continue
        elif n == 39:
            state["fg"] = None
        elif n == 49:
            state["bg"] = None
        i += 1

def parse(path, rows, cols):
    """A capture as rows x cols cells; the SGR state runs on across lines."""
    state = {"fg": None, "bg": None, "attrs": set()}
    grid = []
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for line in lines[:rows]:
        row, i = [], 0
        while i < len(line):
            ch = line[i]
            if ch == "\x1b" and line[i + 1:i + 2] == "[":
                j = i + 2
                while not line[j].isalpha():
                    j += 1
                if line[j] == "m":
                    sgr(state, line[i + 2:j])
                i = j + 1
                continue
            i += 1
            w = libc.wcwidth(ch)
            if w == 0 and row:
                base = len(row) - 1 - (row[-1] is TAIL)
                c = row[base]
                row[base] = (c[0] + ch,) + c[1:]
                continue
            row.append((ch, state["fg"], state["bg"], frozenset(state["attrs"])))
            if w == 2:
                row.append(TAIL)
        row = row[:cols] + [BLANK] * (cols - len(row))
        grid.append(row)
    return grid + [[BLANK] * cols for _ in range(rows - len(grid))]

def seen(c):
    """A cell as it looks: a space shows only its background, unless it is
    reversed, underlined or struck."""
    if c[0] == " " and not c[3] & {"reverse", "strike", "overline"} and \
            not any(a.startswith("underline") for a in c[3]):
        return (" ", None, c[2], frozenset())
    return c

def cube(v):
    return 0 if v < 48 else 1 if v < 115 else (v - 35) // 40

def to256(c):
    """RGB to the nearest of the 256-colour cube and greys, as tmux does."""
    if c is None or c[0] != "rgb":
        return c
    r, g, b = c[1:]
    steps = (0, 0x5f, 0x87, 0xaf, 0xd7, 0xff)
    q = [cube(v) for v in (r, g, b)]
    cr, cg, cb = (steps[v] for v in q)
    idx = 16 + 36 * q[0] + 6 * q[1] + q[2]
    if (cr, cg, cb) == (r, g, b):
        return ("i", idx)
    mean = (r + g + b) // 3
    grey = 23 if mean > 238 else int((mean - 3) / 10)
    level = 8 + 10 * grey
    d = lambda x, y, z: (x - r) ** 2 + (y - g) ** 2 + (z - b) ** 2
    if d(level, level, level) < d(cr, cg, cb):
        return ("i", 232 + grey)
    return ("i", idx)

def offpalette(c, below):
    """On a direct-colour terminal the colour numbers below CO are indexed:
    an RGB colour of that value, a blue (0, 0, b), gets a green of 1."""
    if c is not None and c[0] == "rgb" and (c[1] << 16 | c[2] << 8 | c[3]) < below:
        return ("rgb", c[1], 1, c[3])
    return c

def lossy(c):
    """What ncurses can show of a cell: no strike, no dim (libvterm has
    none either), one kind of underline."""
    attrs = {"underline" if a.startswith("underline") else a for a in c[3]} - {"strike", "dim"}
    return c[:3] + (frozenset(attrs),)

def expected(ref, rows, cols, opts):
    """What draw-check shows of the reference pane drawn at a rectangle of
    a screen of rows x cols (filled with '.' first, with fill), perhaps
    only a damage of it; as draw.h says."""
    rr, rc = len(ref), len(ref[0])
    y, x, h, w = opts.get("rect", (0, 0, rr, rc))
    r0, c0, r1, c1 = opts.get("damage", (0, 0, h, w))
    out = [[(".", None, None, frozenset()) if opts.get("fill") else BLANK] * cols
           for _ in range(rows)]
    right = min(w, cols - x)             # the pane's columns on the screen
    for row in range(max(0, r0), min(h, r1, rows - y)):
        col, end = max(0, c0), min(right, c1)
        if row < rr and 0 < col < rc and ref[row][col] is TAIL:
            col -= 1                     # a damage from a right half
        while col < end:
            c = ref[row][col] if row < rr and col < rc else BLANK
            wide = row < rr and col + 1 < rc and ref[row][col + 1] is TAIL
            if c is TAIL:
                c = BLANK
            if wide and col + 1 >= right:
                out[y + row][x + col] = (" ",) + c[1:]
            elif wide:
                out[y + row][x + col] = c
                out[y + row][x + col + 1] = TAIL
                col += 1
            else:
                out[y + row][x + col] = c
            col += 1
    return out

def show(c):
    return "%r fg=%s bg=%s %s" % (c[0], c[1], c[2], ",".join(sorted(c[3])) or "-")

def compare(want, got, limit=6):
    bad = []
    for y, (wr, gr) in enumerate(zip(want, got)):
        for x, (a, b) in enumerate(zip(wr, gr)):
            if seen(a) != seen(b):
                bad.append("  row %d col %d: want %s, got %s" % (y, x, show(a), show(b)))
    for line in bad[:limit]:
        print(line)
    if len(bad) > limit:
        print("  ... %d cells differ" % len(bad))
    return not bad

def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "text":   # FILE ROWS COLS: the characters, a row a line
        for row in parse(args[0], int(args[1]), int(args[2])):
            print("".join(c[0] for c in row).rstrip())
        return 0
    if cmd == "dump":   # FILE ROWS COLS: one line a cell
        for y, row in enumerate(parse(args[0], int(args[1]), int(args[2]))):
            for x, c in enumerate(row):
                print(y, x, show(seen(c)))
        return 0
    # compare REF REFROWS REFCOLS MINE ROWS COLS [fill] [rect=Y,X,H,W]
    #         [damage=R0,C0,R1,C1] [to256] [below=CO] [lossy]
    ref = parse(args[0], int(args[1]), int(args[2]))
    rows, cols = int(args[4]), int(args[5])
    mine = parse(args[3], rows, cols)
    opts = {}
    for a in args[6:]:
        k, _, v = a.partition("=")
        opts[k] = tuple(int(n) for n in v.split(",")) if v else True
    if "to256" in opts:
        ref = [[c if c is TAIL else (c[0], to256(c[1]), to256(c[2]), c[3]) for c in r]
               for r in ref]
    if "below" in opts:
        ref = [[c if c is TAIL else (c[0], offpalette(c[1], opts["below"][0]),
                                     offpalette(c[2], opts["below"][0]), c[3]) for c in r]
               for r in ref]
    if "lossy" in opts:
        ref = [[c if c is TAIL else lossy(c) for c in r] for r in ref]
    return 0 if compare(expected(ref, rows, cols, opts), mine) else 1

sys.exit(main())
EOF

# settled PANE: capture-pane -e -N of it once three in a row agree (tmux
# may not have read all that was written yet).
settled() {
	prev='' cur='' agree=0
	for _ in $(seq 100); do
		cur=$($TM capture-pane -p -e -N -t "$1")
		[ "$cur" = "$prev" ] && agree=$((agree + 1)) || agree=0
		[ "$agree" -ge 2 ] && break
		prev=$cur
		sleep 0.05
	done
	printf '%s\n' "$cur"
}
wait_file() {
	for _ in $(seq 200); do [ -e "$1" ] && return 0; sleep 0.05; done
	return 1
}

# reference NAME FILE ROWS COLS: the bytes straight into a pane (no
# output processing: libvterm does none either); its capture in NAME.ref.
reference() {
	$TM new-session -d -s "ref-$1" -x "$4" -y "$3" \
		"stty -opost -echo; cat '$2'; touch '$T/$1.refdone'; exec sleep 600"
	wait_file "$T/$1.refdone" || fail "$1: the reference pane never finished"
	settled "ref-$1" >"$T/$1.ref"
}

# drawn NAME TERM SCREEN(ROWSxCOLS) DRAW-CHECK-ARGS...: draw-check in a
# pane of that size; its capture in NAME.mine. It is then ended with a
# key: it must leave with status 0 and nothing on stderr (ASan, UBSan).
drawn() {
	name=$1 term=$2 size=$3
	shift 3
	$TM new-session -d -s "mine-$name" -x "${size#*x}" -y "${size%x*}" \
		"env TERM=$term TERMINFO=$TERMINFO ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} $DRAW_CHECK -s '$T/$name.ready' $* 2>'$T/$name.err'; echo \$? >'$T/$name.rc-'; mv '$T/$name.rc-' '$T/$name.rc'; exec sleep 600"
	wait_file "$T/$name.ready" || fail "$name: draw-check never drew"
	settled "mine-$name" >"$T/$name.mine"
	$TM send-keys -t "mine-$name" q
	wait_file "$T/$name.rc" || fail "$name: draw-check did not end on a key"
	[ "$(cat "$T/$name.rc" 2>/dev/null)" = 0 ] && [ ! -s "$T/$name.err" ] ||
		fail "$name: draw-check ended with $(cat "$T/$name.rc" 2>/dev/null): $(head -c 2000 "$T/$name.err")"
}

# same NAME WHAT: compare NAME.ref (REFROWS REFCOLS) and NAME.mine.
same() {
	name=$1 what=$2
	shift 2
	if out=$(python3 "$T/cells.py" compare "$T/$name.ref" "$@" 2>&1); then
		pass "$what"
	else
		fail "$what:"
		printf '%s\n' "$out"
	fi
}

# case NAME WHAT FILE: the file drawn on a whole 30x100 screen under
# tmux-256color, against tmux's own rendering of it.
case_full() {
	reference "$1" "$3" 30 100
	drawn "$1" tmux-256color 30x100 "$3" 30 100
	same "$1" "$2" 30 100 "$T/$1.mine" 30 100
}

bytes() { printf '%b' "$2" >"$T/$1.in"; }

# --- 16 colours: every foreground on every background, normal and bright.
s=
for f in 39 30 31 32 33 34 35 36 37 90 91 92 93 94 95 96 97; do
	for b in 49 40 41 42 43 44 45 46 47 100 101 102 103 104 105 106 107; do
		s="$s\033[${f};${b}mXy"
	done
	s="$s\033[0m\r\n"
done
bytes c16 "$s"
case_full c16 "16 colours, foreground on background" "$T/c16.in"

# --- 256 colours, as foreground, background and both.
s=
for n in $(seq 0 255); do
	s="$s\033[38;5;${n}m#\033[48;5;${n}m \033[38;5;$((255 - n))m+\033[0m"
	[ $((n % 32)) = 31 ] && s="$s\r\n"
done
bytes c256 "$s"
case_full c256 "256 colours" "$T/c256.in"

# --- RGB: on tmux-256color, the nearest of 256 (tmux keeps the RGB).
s=
for r in 0 1 47 48 95 114 115 135 200 255; do
	for g in 0 30 95 128 175 255; do
		for b in 0 5 48 135 215 254; do
			s="$s\033[38;2;${r};${g};${b}mx\033[48;2;${b};${r};${g}m \033[0m"
		done
	done
	s="$s\r\n"
done
for v in 0 3 8 12 13 100 128 200 238 239 246 255; do # greys
	s="$s\033[48;2;${v};${v};${v}m \033[38;2;${v};$((v / 2));${v}mg\033[0m"
done
bytes rgb "$s\r\n"
reference rgb "$T/rgb.in" 30 100
grep -q '38;2;' "$T/rgb.ref" && pass "(tmux's reference keeps RGB)" || fail "reference has no RGB"
drawn rgb tmux-256color 30x100 "$T/rgb.in" 30 100
same rgb "RGB on a 256-colour terminal: the nearest of the cube and greys, as tmux picks" \
	30 100 "$T/rgb.mine" 30 100 to256
# The same bytes on a direct-colour terminal: exactly the reference.
drawn rgb-direct sbx-direct256 30x100 "$T/rgb.in" 30 100
same rgb "RGB on a direct-colour terminal: the same RGB (blues below CO#256 get a green of 1)" \
	30 100 "$T/rgb-direct.mine" 30 100 below=256
drawn c256-direct sbx-direct256 30x100 "$T/c256.in" 30 100
same c256 "256 colours on a direct-colour terminal with 256 indexed" 30 100 "$T/c256-direct.mine" 30 100
# 16 colours have 256 pairs (255 of them ours): too few for 17 x 17, and
# alloc_pair would recycle pairs still on the screen. 8 x 17 of them.
s=
for f in 39 30 31 33 91 92 94 97; do
	for b in 49 40 41 42 43 44 45 46 47 100 101 102 103 104 105 106 107; do
		s="$s\033[${f};${b}mXy"
	done
	s="$s\033[0m\r\n"
done
bytes c16b "$s"
reference c16b "$T/c16b.in" 30 100
drawn c16b sbx-16color 30x100 "$T/c16b.in" 30 100
same c16b "16 colours on a 16-colour terminal" 30 100 "$T/c16b.mine" 30 100

# --- Attributes, alone, together and with colours; spaces that show them.
bytes attrs "plain \033[1mbold\033[0m \033[3mitalic\033[0m \033[4munderline\033[0m \033[7mreverse\033[0m \033[5mblink\033[0m\r\n\
\033[1;3mbold-italic\033[0m \033[1;4;7mbold-under-rev\033[0m \033[3;4;5mall-but\033[0m \033[1;3;4;5;7mall\033[0m\r\n\
\033[1;31mbold red\033[0m \033[7;32;44mrev green on blue\033[0m \033[4;38;5;208munder 208\033[0m \033[3;48;5;22mital on 22\033[0m\r\n\
[\033[4m   \033[0m] [\033[7m   \033[0m] [\033[1m   \033[0m] [\033[45m   \033[0m] [\033[7;33m  \033[0m]\r\n\
\033[1mbold \033[22mnot \033[3mital \033[23mnot \033[4mund \033[24mnot \033[7mrev \033[27mnot\033[0m\r\n"
case_full attrs "bold, italic, underline, reverse, blink" "$T/attrs.in"

# What ncurses has not: strike; libvterm has no dim; underline has one kind.
bytes lossy "\033[9mstrike\033[0m \033[2mdim\033[0m \033[4:2mdouble\033[0m \033[4:3mcurly\033[0m \033[1;9;31mbold-strike\033[0m\r\n"
reference lossy "$T/lossy.in" 30 100
grep -q '4:2m' "$T/lossy.ref" && grep -q '9m' "$T/lossy.ref" && pass "(tmux's reference shows strike and double underline)" ||
	fail "reference lacks strike or 4:2"
drawn lossy tmux-256color 30x100 "$T/lossy.in" 30 100
same lossy "strike and dim dropped, double and curly underline single" 30 100 "$T/lossy.mine" 30 100 lossy

# --- Wide characters (CJK, emoji), one that wraps at the edge.
bytes wide "中文字符 and 日本語 and 한국어|\r\n\
emoji 😀🎉👍 end|\r\n\
x中y文z\033[31m字\033[42m符\033[0m|\r\n\
\033[95G中文字符\r\n\
\033[99G中|\r\n\
\033[100G中 at the last column\r\n\
ab\033[1;4m漢字\033[0m😀cd\r\n"
case_full wide "CJK and emoji, two cells each; one that does not fit wraps" "$T/wide.in"

# A character libvterm 0.1.4 finds narrow and wcwidth wide (newer emoji):
# drawn as U+FFFD, so that the cells after it stay where libvterm has them.
bytes narrow "a\xf0\x9f\xa5\xba\xf0\x9f\xa7\x91b|\r\n"
drawn narrow tmux-256color 30x100 "$T/narrow.in" 30 100
check "an emoji libvterm finds narrow (U+1F97A, U+1F9D1) is U+FFFD, one cell" "a$(printf '\xef\xbf\xbd\xef\xbf\xbd')b|" \
	"$(python3 "$T/cells.py" text "$T/narrow.mine" 30 100 | sed -n 1p)"

# --- Combining marks.
bytes comb "cafe\xcc\x81 e\xcc\x81 a\xcc\x88\xcc\x84 n\xcc\x83o \033[1;35mu\xcc\x88ber\033[0m | x\xcc\xb6y\r\n\
\xe4\xb8\xad\xcc\x81 wide with a mark | end\r\n"
case_full comb "combining marks (e + U+0301, two marks, on a wide character)" "$T/comb.in"

# --- A line longer than the width wraps.
s=
for i in $(seq 1 25); do s="$s\033[3$((i % 8))m$(printf '%09d ' "$i")"; done
bytes wrap "$s\033[0m\r\nnext line\r\n"
case_full wrap "a line of 250 cells wraps over three rows" "$T/wrap.in"

# --- Cursor movement and clearing: a full-screen picture.
pic="\033[2J\033[H+----------+ top\033[5;1Hmiddle\033[10;50H\033[44mblue bg\033[0m\
\033[3;3H┌──────┐\033[4;3H│ \033[1mbox\033[0m  │\033[5;3H└──────┘\
\033[3;30H╔═══╗\033[4;30H║\033[7m x \033[0m║\033[5;30H╚═══╝\
\033[12;1Hto be cleared to the end\033[12;6H\033[K\
\033[13;1Hcleared at the start\033[13;8H\033[1K\
\033[14;1H\033[43mline cleared yellow\033[2K\033[0mafter\033[14;100H|\
\033[15;1Habcdefghijklmnop\033[15;3H\033[41m\033[5X\033[0m\033[15;5H\033[2P\033[15;2H\033[3@\
\033[20;1Hbelow\033[19;1H\033[J\
\033[25;1Hbottom line\033[30;1Hlast row\033[30;100HZ\
\033[2;1H\033[44m\033[5X\033[0m\033[2;8Hafter erased blue\
\033[16;1H\033[1;4;7;31;42mX\033[3X\033[0m\033[16;6Hend: erased with a reversed underlined pen\
\033[8;20r\033[8;1Hregion\033[20;1H\r\nscrolled\r\n\033[r\033[7;10H"
bytes pic "$pic"
case_full pic "ESC[2J, ESC[H, boxes, EL/EL1/EL2, ED, ECH (erased cells keep only the background), DCH, ICH, a scroll region" "$T/pic.in"
# An erase with a background to the end of a row: tmux's capture leaves
# erased cells past the last written one out, so check ours directly.
bytes elbg "ab\033[44m\033[K\033[0m\r\n"
drawn elbg tmux-256color 30x100 "$T/elbg.in" 30 100
got=$(python3 "$T/cells.py" dump "$T/elbg.mine" 30 100 | awk '$1 == 0 && $2 >= 2' | sort -u -k3 | cut -d' ' -f3-)
check "an erase to the end of the row keeps its background (blue) there" "' ' fg=None bg=('i', 4) -" "$got"

# --- The alternate screen: active, and left again.
bytes alt "main screen text\r\n\033[1mstill main\033[0m\r\n\033[?1049h\033[H\033[2Jalternate \033[32mscreen\033[0m\r\n\033[5;5Hhere"
case_full alt "the alternate screen while it is active" "$T/alt.in"
bytes altback "main screen text\r\nstill main\r\n\033[?1049h\033[2J\033[Halternate\033[?1049lback on main"
case_full altback "the main screen again after the alternate one is left" "$T/altback.in"

# --- Rectangles: clipped, larger than the terminal, only a damage.
x38=$(printf 'x%.0s' $(seq 38))
bytes clip "$(cat "$T/pic.in")\033[1;1H\033[K${x38}中 (col 38)\033[2;1H\033[K${x38}x中 cut (col 39)\
\033[16;1H\033[Kbottom cut"
reference clip "$T/clip.in" 30 100
drawn clip tmux-256color 30x100 -f -r 3,5,15,40 "$T/clip.in" 30 100
same clip "a 30x100 terminal clipped to 15x40 at 3,5 (a wide character cut: a space)" \
	30 100 "$T/clip.mine" 30 100 fill rect=3,5,15,40
drawn clip-edge tmux-256color 30x100 -f -r 20,80,20,40 "$T/clip.in" 30 100
same clip "a rectangle past the screen's edge is clipped to it" \
	30 100 "$T/clip-edge.mine" 30 100 fill rect=20,80,20,40
bytes small "small \033[31mterminal\033[0m 10x40\r\n中文\033[10;1Hlast row\033[10;40HZ"
reference small "$T/small.in" 10 40
drawn small tmux-256color 30x100 -f -r 2,3,20,60 "$T/small.in" 10 40
same small "a 10x40 terminal in a 20x60 rectangle: the rest of it cleared" \
	10 40 "$T/small.mine" 30 100 fill rect=2,3,20,60
drawn damage tmux-256color 30x100 -f -d 2,3,9,33 "$T/pic.in" 30 100
same pic "only the damage is drawn" 30 100 "$T/damage.mine" 30 100 fill damage=2,3,9,33
drawn damage-wide tmux-256color 30x100 -f -d 0,3,4,10 "$T/wide.in" 30 100
same wide "a damage starting on a wide character's right half draws all of it" \
	30 100 "$T/damage-wide.mine" 30 100 fill damage=0,3,4,10

# --- Drawing only the damage as more output comes: colours, scrolling,
# wide characters half overwritten.
s=
for i in $(seq 1 40); do s="$s\033[3$((i % 8))mline $i \033[4$((i % 8))m中$i\033[0m\r\n"; done
bytes more "\033[3;1H\033[1mnew\033[0m\033[4;4Hx\033[5;1H\033[2K中文\033[5;2Hab\r\n$s\033[10;10H\033[1L\033[12;1H\033[2M\033[Hfirst"
cat "$T/pic.in" "$T/more.in" >"$T/both.in"
reference inc "$T/both.in" 30 100
drawn inc tmux-256color 30x100 -2 "$T/more.in" "$T/pic.in" 30 100
same inc "output drawn a line at a time, each time only its damage" 30 100 "$T/inc.mine" 30 100

# --- draw_pair's colour numbers on terminals of each kind.
pairs() { TERM=$1 "$DRAW_CHECK" -c "${@:2}" 2>&1 | tail -n +2 | tr '\n' ' '; }
check "tmux-256color: defaults stay, indexed kept, RGB to the nearest of 256" \
	"default -1 -1 idx:9 9 9 idx:200 200 200 rgb:255,0,0 196 196 rgb:128,128,128 244 244 rgb:0,0,0 16 16 " \
	"$(pairs tmux-256color default idx:9 idx:200 rgb:255,0,0 rgb:128,128,128 rgb:0,0,0)"
# libvterm's palette: 9 is (255,64,64), 100 (102,102,0), 8 (128,128,128).
check "xterm (8 colours): the nearest of 8" \
	"idx:7 7 7 idx:9 1 1 idx:8 7 7 idx:100 0 0 rgb:10,200,30 2 2 rgb:255,255,255 7 7 " \
	"$(pairs xterm idx:7 idx:9 idx:8 idx:100 rgb:10,200,30 rgb:255,255,255)"
check "16 colours: 0..15 kept, others the nearest of 16" \
	"idx:9 9 9 idx:15 15 15 idx:100 8 8 rgb:255,64,64 9 9 rgb:0,0,230 4 4 " \
	"$(pairs sbx-16color idx:9 idx:15 idx:100 rgb:255,64,64 rgb:0,0,230)"
check "88 colours (rxvt-unicode): only the first 16 kept" \
	"idx:15 15 15 idx:16 0 0 idx:231 15 15 " "$(pairs rxvt-unicode idx:15 idx:16 idx:231)"
check "direct colour (CO#8): 0..7 kept, other indexed as libvterm's RGB, RGB as 0xRRGGBB" \
	"idx:1 1 1 idx:9 16728128 16728128 rgb:10,200,30 706590 706590 rgb:0,0,5 261 261 " \
	"$(pairs sbx-direct idx:1 idx:9 rgb:10,200,30 rgb:0,0,5)"
check "direct colour (CO#256): indexed kept, RGB below 256 moved off the palette" \
	"idx:255 255 255 rgb:0,0,0 256 256 rgb:0,1,0 256 256 rgb:0,0,255 511 511 " \
	"$(pairs sbx-direct256 idx:255 rgb:0,0,0 rgb:0,1,0 rgb:0,0,255)"
for t in tmux-256color sbx-direct sbx-16color xterm; do
	check_match "$t: more pairs asked for than there are: recycled" '^recycle ok' "$(pairs "$t" recycle)"
done
finish
