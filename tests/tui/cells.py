#!/usr/bin/env python3
# cells.py FROM TO: tmux capture-pane -e output (stdin) as cells, one row a
# line, columns FROM..TO-1 (0-based): each cell its character and the SGR
# state it is drawn in (fg, bg, bold, dim, italic, underline, blink,
# reverse), so that two renderings compare cell for cell whatever order or
# redundancy their escape sequences have. Wide characters take two cells.
import re
import sys
import unicodedata

lo, hi = int(sys.argv[1]), int(sys.argv[2])
ATTRS = {1: "bold", 2: "dim", 3: "italic", 4: "underline", 5: "blink", 7: "reverse"}


def sgr(state, params):
    ps = [int(p) if p else 0 for p in params.split(";")] if params else [0]
    i = 0
    while i < len(ps):
        p = ps[i]
        if p == 0:
            state.clear()
        elif p in ATTRS:
            state[ATTRS[p]] = 1
        elif p in (22, 23, 24, 25, 27):
            for k in {22: ("bold", "dim"), 23: ("italic",), 24: ("underline",),
                      25: ("blink",), 27: ("reverse",)}[p]:
                state.pop(k, None)
        elif 30 <= p <= 37 or 90 <= p <= 97:
            state["fg"] = str(p - 30 if p < 90 else p - 82)
        elif 40 <= p <= 47 or 100 <= p <= 107:
            state["bg"] = str(p - 40 if p < 100 else p - 92)
        elif p in (39, 49):
            state.pop("fg" if p == 39 else "bg", None)
        elif p in (38, 48) and i + 1 < len(ps):
            key = "fg" if p == 38 else "bg"
            if ps[i + 1] == 5 and i + 2 < len(ps):
                # 0..15 are the same colours as the plain codes
                state[key] = str(ps[i + 2])
                i += 2
            elif ps[i + 1] == 2 and i + 4 < len(ps):
                state[key] = "#%02x%02x%02x" % tuple(ps[i + 2:i + 5])
                i += 4
        i += 1


for line in sys.stdin:
    state, cells = {}, []
    for m in re.finditer(r"\x1b\[([0-9;]*)m|\x1b\[[0-9;]*[A-Za-z]|(.)", line.rstrip("\n")):
        if m.group(2) is None:
            if line[m.start():m.end()].endswith("m"):
                sgr(state, m.group(1))
            continue
        ch = m.group(2)
        if unicodedata.combining(ch) and cells:
            cells[-1] = (cells[-1][0] + ch, cells[-1][1])
            continue
        look = ",".join("%s=%s" % kv for kv in sorted(state.items()))
        cells.append((ch, look))
        if unicodedata.east_asian_width(ch) in "WF":
            cells.append(("", look))
    row = cells[lo:hi]
    # blanks at the end of a row are the same, whatever their state
    while row and row[-1][0] in (" ", "") and "bg" not in row[-1][1] and "reverse" not in row[-1][1]:
        row.pop()
    print(" ".join("%s[%s]" % c for c in row))
