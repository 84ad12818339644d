#!/bin/bash
# grep.sh: `sbx grep` across three real agents, each searching its own
# directory of known files (--root): matches with sandbox and path, each
# target's own file and line order, -n -l -c -i -w -F -E --include
# --max-count, no match, a target down, --json, colour.
. "$(dirname "$0")/lib.sh"

export XDG_CONFIG_HOME=$T/cfg HOME=$T
mkdir -p "$T/cfg/sbx" "$T/root"
for n in 1 2 3; do
	start_agent "a$n"
	eval "A$n=\$SOCK"
done
cat >"$T/cfg/sbx/config" <<CONF
[box1]
url = $A1
[box2]
url = $A2
[box3]
url = $A3
[gone]
url = unix:$T/none.sock
@three = box1 box2 box3
CONF

# The same root for each agent (they run here); the files differ by what
# each finds under its own subdirectory.
r=$T/root
mkdir -p "$r/logs" "$r/src" "$r/odd:dir"
printf 'start\nERROR disk full\nok\nerror: retry\nERRORS none\n' >"$r/logs/app.log"
printf 'int main() { return 0; }\n/* error path */\n' >"$r/src/main.c"
printf 'colon error\n' >"$r/odd:dir/x.txt"
seq 1 2000 | sed 's/$/ error line/' >"$r/logs/big.log"

# Matches, with sandbox and path, in each target's own order.
"$SBX" grep -n error --root "$r" logs/app.log src @three >"$T/m" 2>"$T/m.err"
check "grep on three: exit 0" 0 $?
for b in box1 box2 box3; do
	check "grep: $b's matches in file and line order" "$b:logs/app.log:4:error: retry
$b:src/main.c:2:/* error path */" "$(grep "^$b:" "$T/m")"
done
check "grep: nothing on stderr" "" "$(cat "$T/m.err")"
out=$("$SBX" grep -i -w error --root "$r" logs/app.log box1)
check "grep -i -w: whole words, any case" "box1:logs/app.log:ERROR disk full
box1:logs/app.log:error: retry" "$out"
out=$("$SBX" grep -F 'main()' --root "$r" box2)
check "grep -F, the whole tree by default" "box2:src/main.c:int main() { return 0; }" "$out"
out=$("$SBX" grep -E 'ERRORS? (disk|none)' --root "$r" logs box3)
check "grep -E" "box3:logs/app.log:ERROR disk full
box3:logs/app.log:ERRORS none" "$out"
out=$("$SBX" grep -l -i error --root "$r" box1 | sort)
check "grep -l: the files" "box1:logs/app.log
box1:logs/big.log
box1:odd:dir/x.txt
box1:src/main.c" "$out"
out=$("$SBX" grep -c error --root "$r" logs box1 | sort)
check "grep -c: counts" "box1:logs/app.log:1
box1:logs/big.log:2000" "$out"
out=$("$SBX" grep --max-count 2 -n error --root "$r" logs/big.log box1,box2)
check "grep --max-count 2 on two" "box1:logs/big.log:1:1 error line
box1:logs/big.log:2:2 error line
box2:logs/big.log:1:1 error line
box2:logs/big.log:2:2 error line" "$(printf '%s\n' "$out" | sort -t: -k1,1 -s)"
out=$("$SBX" grep --include '*.c' --include '*.txt' error --root "$r" box1 | sort)
check "grep --include twice" "box1:odd:dir/x.txt:colon error
box1:src/main.c:/* error path */" "$out"
n=$("$SBX" grep -n error --root "$r" logs/big.log @three | grep -c '^box2:logs/big.log:')
check "grep: 2000 matches from one of three" 2000 "$n"
check "grep: and in order" "$(seq 1 2000 | md5sum)" \
	"$("$SBX" grep -n error --root "$r" logs/big.log @three | sed -n 's/^box3:logs\/big.log:\([0-9]*\):.*/\1/p' | md5sum)"

# Several -e: any of them matches.
out=$("$SBX" grep -e disk -e retry --root "$r" logs/app.log box1)
check "grep -e twice: either matches" "box1:logs/app.log:ERROR disk full
box1:logs/app.log:error: retry" "$out"
# A PATH with a comma, last before the TARGETs.
printf 'comma error\n' >"$r/a,b.txt"
out=$("$SBX" grep error --root "$r" a,b.txt box1 2>&1)
check "grep of a PATH with a comma" "box1:a,b.txt:comma error" "$out"

# No match anywhere: 1, and nothing printed.
out=$("$SBX" grep zebra --root "$r" @three 2>&1); rc=$?
check "grep with no match: exit 1" 1 $rc
check "grep with no match: nothing printed" "" "$out"

# One target down: its matches are missing, it is named, exit 2.
"$SBX" grep ERROR --root "$r" logs/app.log box1 gone box3 >"$T/down" 2>"$T/down.err"
check "grep with one target down: exit 2" 2 $?
check "grep with one down: the others' matches" "box1:logs/app.log:ERROR disk full
box1:logs/app.log:ERRORS none
box3:logs/app.log:ERROR disk full
box3:logs/app.log:ERRORS none" "$(sort -s -t: -k1,1 "$T/down")"
check_match "grep with one down: named on stderr" "^sbx: gone: cannot connect to unix:$T/none.sock" "$(cat "$T/down.err")"
out=$("$SBX" grep error --root "$r" nosuchfile box1 2>&1); rc=$?
check "grep of a missing path: exit 2" 2 $rc
check_match "grep of a missing path: grep's message, named" "sbx: box1: grep: nosuchfile: No such file or directory" "$out"
out=$("$SBX" grep error --root "$T/nodir" box1 2>&1); rc=$?
check "grep in a missing root: exit 2" 2 $rc
check_match "grep in a missing root: says so" "box1: working directory $T/nodir" "$out"

# --json: one valid object per match.
"$SBX" grep --json -n -i 'error' --root "$r" logs/app.log odd:dir @three >"$T/json"
check "grep --json: one object per match" 12 "$(jq -c . <"$T/json" | wc -l)"
check "grep --json: the fields" "box2 logs/app.log 2 ERROR disk full" \
	"$(jq -r 'select(.sandbox=="box2" and .line==2) | "\(.sandbox) \(.path) \(.line) \(.text)"' <"$T/json")"
check "grep --json: a path with a colon" "odd:dir/x.txt" \
	"$(jq -r 'select(.sandbox=="box1" and .text=="colon error") | .path' <"$T/json")"
out=$("$SBX" grep --json -c error --root "$r" logs/big.log box1)
check "grep --json -c" '{"sandbox":"box1","path":"logs/big.log","count":2000}' "$out"

# Colour on a terminal: the name in its colour, the match marked.
out=$(script -qec "$SBX grep 'disk' --root $r logs/app.log box1" /dev/null </dev/null)
check_match "grep on a terminal: coloured name and match" $'\e\\[3[1-6]mbox1\e\\[0m:\e\\[35mlogs/app.log\e\\[0m:ERROR \e\\[01;31m\e\\[Kdisk\e\\[m\e\\[K full' "$out"
out=$(NO_COLOR=1 script -qec "$SBX grep 'disk' --root $r logs/app.log box1" /dev/null </dev/null | tr -d '\r')
check "grep on a terminal with NO_COLOR: plain" "box1:logs/app.log:ERROR disk full" "$out"

# Bad input.
out=$("$SBX" grep 2>&1); rc=$?
check "grep without PATTERN: exit 2" 2 $rc
check_match "grep without PATTERN: says so" "missing PATTERN" "$out"
out=$("$SBX" grep error logs 2>&1); rc=$?
check "grep without TARGET: exit 2" 2 $rc
check_match "grep without TARGET: says which operand" '"logs" names no sandbox' "$out"
out=$("$SBX" grep -e -dash --root "$r" box1 2>&1); rc=$?
check "grep -e for a pattern with a dash: no match, exit 1" 1 $rc

finish
