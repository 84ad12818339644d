#!/bin/bash
# sbx ui as a person uses it, inside tmux, against real agents: the panes
# and their layout, typing into the focused pane only, broadcast, zoom,
# splits and resizing a border, colours and wide characters in the right
# cells, a full-screen program, detach and resume with the same screens,
# an agent killed while shown, the outer terminal resized.
. "$(dirname "$0")/../integration/lib.sh"
command -v tmux >/dev/null || { echo "SKIP: tmux not installed"; exit 77; }
export XDG_CONFIG_HOME=$T/cfg XDG_RUNTIME_DIR=$T/run HOME=$T LANG=C.UTF-8
mkdir -p "$T/cfg/sbx" "$T/run"
start_agent a1
A1=$SOCK P1=$APID
start_agent a2
A2=$SOCK P2=$APID
cat >"$T/cfg/sbx/config" <<CONF
[box1]
url = $A1
[box2]
url = $A2
CONF
TM="tmux -L sbx-ui-$$ -f /dev/null"
trap '$TM kill-server 2>/dev/null; cleanup' EXIT
$TM new-session -d -s hold 'sleep 600'

keys() { t=$1; shift; $TM send-keys -t "$t" "$@"; }
screen() { $TM capture-pane -p -t "$1"; }
wait_for() {
	for _ in $(seq 200); do screen "$1" | grep -qE -- "$2" && return 0; sleep 0.05; done
	# What it showed, without its blank rows: CI keeps only a log's end.
	echo "pane $1 never showed /$2/:"; screen "$1" | grep -vE '^[ │]*$'
	return 1
}
# wait_count PANE PATTERN N: until N lines show PATTERN (10 s at most);
# a loaded machine draws late, and a fixed sleep would race it.
wait_count() {
	for _ in $(seq 200); do [ "$(screen "$1" | grep -cE -- "$2")" = "$3" ] && return 0; sleep 0.05; done
	return 1
}
# settled PANE: until two captures 0.2 s apart agree; prints the last.
settled() {
	local a b
	a=$(screen "$1")
	for _ in $(seq 50); do
		sleep 0.2
		b=$(screen "$1")
		[ "$a" = "$b" ] && break
		a=$b
	done
	printf '%s\n' "$b"
}

# ui NAME COLSxROWS ARGS...: sbx ui in a tmux window of that size; then
# its status.
ui() {
	name=$1 size=$2
	shift 2
	$TM rename-session -t "=$name" "old-$name-$RANDOM" 2>/dev/null
	$TM new-session -d -s "$name" -x "${size%x*}" -y "${size#*x}" \
		"$SBX ui $*; echo rc=\$?; sleep 60"
}
# col N of the screen's row R (1-based), as text.
row() { screen "$1" | sed -n "$2p"; }

# Two panes side by side, each a shell on its sandbox.
ui u 100x30 box1 box2
wait_for u 'box1 \[running\].*box2 \[running\]' && pass "two panes, side by side, running" || fail "two panes"
check_match "the status line: panes, focus, broadcast, the prefix" \
	'sbx ui \| 2 panes \| box1 \| broadcast off \| ctrl-a  *\? help' "$(row u 30)"
# What the commands print, not their command lines: a long prompt (a
# deep working directory, a long host name) wraps those.
keys u 'echo only-in-one' Enter
wait_for u '^only-in-one *│' && pass "typing reaches the focused (left) pane" || fail "typing"
check "...and not the other" 0 "$(screen u | grep -c '│only-in-one')"
keys u C-a Right
sleep 0.2
keys u 'echo right-one' Enter
wait_for u '│right-one *$' && pass "prefix Right moves the focus: typing goes to the right pane" ||
	fail "focus right"
check "...and not to the left one" 0 "$(screen u | grep -c '^right-one')"
check_match "the status line names the focused pane" '\| box2 \|' "$(row u 30)"

# Broadcast: one line typed, both panes get it.
keys u C-a b
wait_for u 'broadcast ON' && pass "prefix b turns broadcast on, shown on the status line" || fail "broadcast on"
keys u 'echo to-all' Enter
for _ in $(seq 200); do [ "$(screen u | grep -o '^to-all\|│to-all' | wc -l)" = 2 ] && break; sleep 0.05; done
check "broadcast: both panes ran it" 2 "$(screen u | grep -o '^to-all\|│to-all' | wc -l)"
keys u C-a b
wait_for u 'broadcast off' || fail "broadcast off"

# Zoom: the focused pane takes the screen, and gives it back.
keys u C-a z
wait_for u '\(zoomed\)' || fail "zoom"
check_match "zoomed: one frame across the whole width" '^ box2 \[running\] login shell *$' "$(row u 1)"
keys u 'stty size' Enter
wait_for u '^28 100$' && pass "a zoomed pane's terminal is the whole screen but its title and the status line (28x100)" || fail "zoomed size"
keys u C-a z
wait_for u 'box1 \[.*box2 \[' && pass "prefix z again: both panes back" || fail "unzoom"
keys u 'clear; stty size' Enter
wait_for u '│28 49$' && pass "back to its half: 28x49" || fail "unzoomed size"

# A split below the focused pane, then its border moved.
keys u C-a '"'
wait_for u '3 panes' && pass "prefix \" splits: three panes" || fail "split"
keys u 'stty size' Enter
wait_for u '│13 49$' && pass "the new pane is the lower half: 13x49" || fail "split size"
keys u C-a K
sleep 0.3
keys u 'clear; stty size' Enter
wait_for u '│15 49$' && pass "prefix K moves its top border up: 15x49" || fail "resize"
keys u C-a x
wait_for u '2 panes' && pass "prefix x closes the pane" || fail "close"

# Colours and wide characters, in the cells tmux itself puts them.
printf '\033[31mred\033[0m \033[1;44mbold-on-blue\033[0m \033[38;5;208mc208\033[0m \033[4munder\033[0m \033[7mrev\033[0m\nwide: \344\270\255\346\226\207\345\255\227 emoji: \360\237\231\202 combining: e\314\201\n' >"$T/art"
keys u C-a Left
sleep 0.2
keys u "clear; cat $T/art" Enter
wait_for u 'combining' || fail "art"
settled u >/dev/null
$TM new-session -d -s ref -x 49 -y 29 "clear; cat $T/art; sleep 60"
wait_for ref 'combining' || fail "the reference"
# The left pane's cells (columns 0..48 of rows 2 and 3), and tmux's own
# rendering of the same bytes in a window of the pane's size.
left=$($TM capture-pane -p -e -t u | sed -n '2,3p' | python3 "$(dirname "$0")/cells.py" 0 49)
ref=$($TM capture-pane -p -e -t ref | sed -n '1,2p' | python3 "$(dirname "$0")/cells.py" 0 49)
check "colours, attributes, wide and combining characters in the same cells as tmux's own" \
	"$ref" "$left"

# A click focuses the pane under it (the mouse as our terminal reports it).
keys u -l $'\e[<0;70;10M'
keys u -l $'\e[<0;70;10m'
wait_for u '^ sbx ui \| 2 panes \| box2 \|'
check_match "a click in the right pane focuses it" '\| box2 \|' "$(row u 30)"
keys u -l $'\e[<0;10;10M'
keys u -l $'\e[<0;10;10m'
wait_for u '^ sbx ui \| 2 panes \| box1 \|'
check_match "a click in the left pane focuses it back" '\| box1 \|' "$(row u 30)"

# A paste reaches the focused pane as it is, not as keys for the UI.
keys u -l $'\e[200~echo pasted-\x01-here\e[201~'
keys u Enter
wait_for u '^pasted-.?-here' && pass "a paste, prefix byte and all, goes to the pane" || fail "paste"

# Copy mode: search the history, copy a line (OSC 52: tmux's buffer).
$TM set-option -g set-clipboard on
keys u 'clear; seq 1000 1300; echo seq-done' Enter
wait_for u '^seq-done' || fail "seq"
sleep 0.3
keys u C-a '['
wait_for u 'copy mode: / search' && pass "prefix [ enters copy mode" || fail "copy mode"
keys u /
wait_for u 'search back:' || fail "search prompt"
keys u 1 0 4 2
wait_for u 'search back: 1042' || fail "search typed"
keys u Enter
wait_for u '/1042: line [0-9]+ of [0-9]+' && pass "copy mode: / finds a line scrolled off the screen" || fail "search"
check_match "copy mode shows it" '^1042 *│' "$(screen u)"
keys u Enter
wait_for u 'copied: 1042' && pass "Enter copies the line and leaves copy mode" || fail "copy"
check "the copied line is in the outer terminal's clipboard (tmux's buffer)" 1042 "$($TM show-buffer 2>/dev/null)"
# Lines selected with v, from the search's match up to the cursor.
keys u C-a '['
wait_for u 'copy mode: / search' || fail "copy mode again"
keys u /
wait_for u 'search back:' || fail "search prompt again"
keys u 1 2 0 0
wait_for u 'search back: 1200' || fail "search 1200 typed"
keys u Enter
wait_for u '/1200: line' || fail "search 1200"
keys u v
wait_for u '1 line selected' && pass "copy mode: v starts a selection" || fail "v selects"
keys u j j
wait_for u '3 lines selected' && pass "copy mode: moving extends the selection" || fail "selection grows"
keys u Escape
wait_for u 'copy mode: / search' && pass "copy mode: Esc drops the selection, copy mode stays" || fail "Esc drops"
keys u k v k
wait_for u '2 lines selected' || fail "selection upwards"
keys u y
wait_for u 'copied 2 lines' && pass "y copies the selected lines" || fail "copy lines"
check "the selected lines, whole and in order, in the outer terminal's clipboard" "1200
1201" "$($TM show-buffer 2>/dev/null)"
wait_count u 'copied 2 lines' 0 && wait_for u '^ sbx ui \| 2 panes' &&
	pass "a message leaves the status line by itself" || fail "message stays"
# The wheel over a pane whose program did not ask for the mouse scrolls
# its history in copy mode, and scrolling down to the end leaves it.
wait_for u '^seq-done' || fail "seq-done shown before the wheel"
for _ in 1 2 3; do keys u -l $'\e[<64;10;10M'; done
wait_for u 'copy mode: / search' && pass "the wheel up enters copy mode" || fail "wheel enters copy mode"
wait_count u '^seq-done' 0 && pass "...and scrolls the history up" || fail "wheel scrolls"
for _ in 1 2 3 4; do keys u -l $'\e[<65;10;10M'; done
wait_count u 'copy mode:' 0 && pass "the wheel down to the end leaves copy mode" || fail "wheel leaves"
# On the alternate screen (less), the wheel is arrow keys for the program.
keys u 'seq 1 500 | less' Enter
wait_for u '^1 *│' || fail "less"
keys u -l $'\e[<65;10;10M'
wait_for u '^4 *│' && pass "the wheel down in less scrolls it 3 lines" || fail "wheel in less"
keys u q
keys u 'echo less-done' Enter
wait_for u '^less-done' || fail "less quit"
# The wheel over the other pane focuses it and scrolls it.
keys u -l $'\e[<64;70;10M'
wait_for u 'copy mode: / search' && pass "the wheel over the other pane: copy mode" || fail "wheel other pane"
keys u q
wait_for u '^ sbx ui \| 2 panes \| box2 \|' && pass "...in that pane, which has the focus now" ||
	fail "wheel focuses"
keys u -l $'\e[<0;10;10M'
keys u -l $'\e[<0;10;10m'
wait_for u '^ sbx ui \| 2 panes \| box1 \|' || fail "focus back left"

# A pane whose program ends says how, until it is closed.
keys u C-a '%'
wait_for u '3 panes' || fail "third pane"
sleep 0.5
keys u 'exit 3' Enter
wait_for u '\[exited 3\]' && pass "a pane whose shell exits 3 shows it" || fail "exit status"
keys u C-a x
wait_for u '2 panes' || fail "close the exited pane"
keys u C-a Left
sleep 0.2

# A program that asks for the mouse gets clicks in its own coordinates.
keys u 'clear; printf "\033[?1000h\033[?1006h"; echo mouse-on; cat -v' Enter
wait_for u '^mouse-on' || fail "mouse mode"
sleep 0.2
keys u -l $'\e[<0;5;4M'
keys u Enter
wait_for u '\^\[\[<0;5;3M' && pass "a click reaches a program that asked for the mouse, at its cell (5,3)" || fail "mouse passthrough"
keys u C-c
keys u 'printf "\033[?1000l\033[?1006l"; clear' Enter
sleep 0.3

# Swap: the two panes change places.
keys u C-a '}'
wait_for u '^ box2 \[running\].*│ box1 \[running\]' && pass "prefix } swaps the pane with the next" || fail "swap"
keys u C-a '{'
wait_for u '^ box1 \[running\].*│ box2 \[running\]' && pass "prefix { swaps it back" || fail "swap back"

# The picker: a new pane on a sandbox chosen from the known ones.
keys u C-a c
wait_for u 'new pane on:' && pass "prefix c opens the picker" || fail "picker"
check_match "the picker lists the configured sandboxes" '> box1' "$(screen u)"
keys u Down Enter
wait_for u '3 panes' && pass "Enter opens a pane on the one picked" || fail "picked pane"
for _ in $(seq 100); do [ "$(screen u | grep -o 'box2 \[running\]' | wc -l)" = 2 ] && break; sleep 0.05; done
check "the new pane is on box2" 2 "$(screen u | grep -o 'box2 \[running\]' | wc -l)"
# Killing its process: the pane says how it ended.
keys u C-a X
wait_for u 'box2 \[killed by SIGKILL\]' && pass "prefix X kills the pane's process, and the frame says so" || fail "kill"
keys u C-a x
wait_for u '2 panes' || fail "close killed"
keys u C-a Left
sleep 0.2

# The help overlay lists the keys.
keys u C-a '?'
wait_for u 'keys after the prefix' && pass "prefix ? shows the keys" || fail "help"
check_match "the help names broadcast" 'broadcast: type into every pane' "$(screen u)"
keys u q
sleep 0.3

# A full-screen program.
keys u 'seq 1 100 | less' Enter
wait_for u '^27 *│' && pass "less fills the pane" || fail "less"
keys u q
wait_for u '[#$] *│' || fail "out of less"

# Detach, then resume: the same panes, layout and screens.
keys u 'clear; echo before-detach' Enter
wait_for u '^before-detach' || fail "before detach"
before=$(settled u | sed '$d')
keys u C-a d
wait_for u 'detached; every session goes on' && pass "prefix d detaches and says the sessions go on" || fail "detach"
wait_for u '^rc=0$' && pass "detach exits 0" || fail "detach status"
kept=0
while read -r _ _ n _ name _; do
	"$SBX" ps "$name" | grep -qE "^$n +.* running " && kept=$((kept + 1))
done < <(grep '^pane ' "$T/run/sbx/ui-panes")
check "the detached panes' sessions still run" 2 "$kept"
ui u2 100x30 --resume
wait_for u2 'before-detach' || fail "resume"
for _ in $(seq 50); do [ "$(screen u2 | sed '$d')" = "$before" ] && break; sleep 0.1; done
check "sbx ui --resume: the same panes, layout and screens" "$before" "$(screen u2 | sed '$d')"

# --session: a pane on a session that runs already.
n=$(sed -n 's/^pane [0-9]* \([0-9]*\) 0 box1 .*/\1/p' "$T/run/sbx/ui-panes" | head -n1)
ui s 100x30 --session "box1:$n"
wait_for s 'before-detach' && pass "--session box1:N: a pane on that session, its screen as it was" || fail "--session"
keys s C-a d
wait_for s '^rc=0$' || fail "--session detach"

# An agent killed while shown: its pane says so, the other goes on.
kill -9 "$P2"
wait_for u2 'box2 \[reconnecting: ' && pass "the pane of a killed agent says it is reconnecting" || fail "reconnecting"
keys u2 'echo still-here' Enter
wait_for u2 '^still-here' && pass "the other pane goes on" || fail "other pane"

# The outer terminal resized: panes laid out again, remote sizes follow.
$TM resize-window -t u2 -x 120 -y 40
# The new size reaches the remote terminal a moment later: ask again.
for _ in $(seq 10); do
	keys u2 'clear; stty size' Enter
	sleep 0.5
	screen u2 | grep -qE '^38 60 +│' && break
done
wait_for u2 '^38 60 +│' && pass "after the outer resize, the left pane is 38x60" || fail "outer resize"
keys u2 C-a d
wait_for u2 '^rc=0$' || fail "second detach"

# The killed agent back: its pane finds the session gone with it.
"$SBX_AGENT" --listen "$A2" 2>"$T/a2b.log" &
AGENT_PIDS="$AGENT_PIDS $!"
wait_listening "$T/a2b.log" || fail "agent back"

# --tail: read-only panes running a command on each target.
ui t 100x30 --tail box1 box2 -- sh -c "'echo tail-of-\$0; sleep 30'"
wait_for t 'running, read-only.*running, read-only' && pass "--tail: read-only panes" || fail "tail panes"
wait_for t 'tail-of-sh.*tail-of-sh' && pass "--tail: each pane shows its command's output" || fail "tail output"
keys t 'typed-into-tail' Enter
sleep 0.4
check "--tail: typing reaches no pane" 0 "$(screen t | grep -c typed-into-tail)"
keys t C-a d
wait_for t '^rc=0$' || fail "tail detach"

# The config's ui-keys rebinds: zoom on Z, and z no longer zooms.
mkdir -p "$T/cfg2/sbx"
cp "$T/cfg/sbx/config" "$T/cfg2/sbx/config"
sed -i '1i ui-keys = zoom=Z' "$T/cfg2/sbx/config"
$TM new-session -d -s k -x 100 -y 30 "env XDG_CONFIG_HOME=$T/cfg2 $SBX ui box1 box2; sleep 60"
wait_for k 'box1 \[running\].*box2 \[running\]' || fail "rebound ui"
keys k C-a z
wait_for k 'ctrl-a z: no such key' && pass "ui-keys zoom=Z: z no longer zooms, and says so" || fail "z unbound"
keys k C-a Z
wait_for k '\(zoomed\)' && pass "ui-keys zoom=Z: Z zooms" || fail "Z zooms"
keys k C-a '?'
wait_for k '  Z  +zoom the pane' && pass "the help shows the binding as it is" || fail "help binding"
keys k q C-a d
wait_for k 'detached' || fail "detach rebound ui"

# A zoomed pane is zoomed again after a detach and --resume.
ui z 100x30 box1 box1
wait_for z 'box1 \[running\].*box1 \[running\]' || fail "two panes for zoom"
keys z C-a z
wait_for z '\(zoomed\)' || fail "zoom before detach"
keys z C-a d
wait_for z '^rc=0$' || fail "zoomed detach"
ui z2 100x30 --resume
wait_for z2 '\| box1 \(zoomed\) \|' && pass "--resume: the zoomed pane is zoomed again" || fail "zoom resumed"
wait_count z2 'box1 \[running\]' 1 && sleep 0.3 && wait_count z2 '\[running\]' 1 &&
	pass "...and it alone is shown" || fail "zoomed alone: $(screen z2 | grep -c '\[running\]') frames"
keys z2 C-a z
wait_count z2 '\[running\]' 1 && wait_for z2 'box1 \[running\].*box1 \[running\]' &&
	pass "...until z zooms it out" || fail "unzoom resumed"
keys z2 C-a d
wait_for z2 '^rc=0$' || fail "detach resumed zoom"

# wss:// panes, each sandbox trusting its own CA (config ca-file); a
# split keeps its pane's CA.
if command -v openssl >/dev/null; then
	for n in 1 2; do
		openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost \
			-addext "subjectAltName=IP:127.0.0.1" \
			-keyout "$T/key$n.pem" -out "$T/cert$n.pem" -days 2 2>/dev/null
		start_agent_tcp "s$n" --tls-cert "$T/cert$n.pem" --tls-key "$T/key$n.pem"
		eval "S$n=\$(sed -n 's/.*listening on \(wss:[^ ]*\).*/\1/p' \"\$T/s$n.log\")"
	done
	mkdir -p "$T/cfg3/sbx"
	printf '[s1]\nurl = %s\nca-file = %s\n[s2]\nurl = %s\nca-file = %s\n' \
		"$S1" "$T/cert1.pem" "$S2" "$T/cert2.pem" >"$T/cfg3/sbx/config"
	$TM new-session -d -s w -x 100 -y 30 "env XDG_CONFIG_HOME=$T/cfg3 $SBX ui s1 s2; sleep 60"
	wait_for w 's1 \[running\].*s2 \[running\]' && pass "ui: two wss:// panes, a CA each" ||
		fail "ui: two wss:// panes"
	keys w 'echo tls-$((6*7))' Enter
	wait_for w '^tls-42 *│' && pass "ui: typing reaches the wss:// pane" || fail "ui: wss typing"
	keys w C-a '"'
	wait_for w 'sbx ui \| 3 panes' && wait_count w 's1 \[running\]' 2 &&
		pass "ui: a split of a wss:// pane connects with its CA" || fail "ui: wss split"
	keys w C-a d
	wait_for w 'detached' || fail "detach wss ui"
fi

# Bad input.
out=$("$SBX" ui box1 </dev/null 2>&1); rc=$?
check "sbx ui without a terminal: exit 125" 125 $rc
check_match "sbx ui without a terminal: says so" "ui needs a terminal" "$out"
out=$("$SBX" ui --prefix ctrl-a,ctrl-b box1 2>&1); rc=$?
check_match "sbx ui --prefix of two keys: refused" "give one key" "$out"
out=$("$SBX" ui --session box1:x 2>&1); rc=$?
check_match "sbx ui --session without a number: says what it takes" "give TARGET:N" "$out"

finish
