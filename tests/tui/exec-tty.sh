#!/bin/bash
# sbx exec -it as a person uses it, inside tmux: typing and echo, the
# PTY's size and its changes (SIGWINCH), Ctrl-C reaching the remote
# program and not sbx, the exit status, and the local terminal restored
# after each way of leaving (exit, the agent killed, sbx killed).
. "$(dirname "$0")/../integration/lib.sh"
command -v tmux >/dev/null || { echo "SKIP: tmux not installed"; exit 77; }
start_agent a
TM="tmux -L sbx-tui-$$ -f /dev/null"
cleanup_tmux() { $TM kill-server 2>/dev/null; }
trap 'cleanup_tmux; cleanup' EXIT
# tmux exits with its last session: a session that only holds the server
# keeps each scenario's kill-session from racing the next new-session.
$TM new-session -d -s hold 'sleep 600'

# Each scenario runs sbx as the command of a fresh pane, under sh, which
# then prints sbx's status and the terminal's state: what sbx left, with
# no shell's line editor changing modes in between.
keys() { $TM send-keys -t t "$@"; }
screen() { $TM capture-pane -p -t t | grep -v '^$'; }
# wait_for PATTERN: until the screen shows it (10 s at most)
wait_for() {
	for _ in $(seq 200); do screen | grep -qE -- "$1" && return 0; sleep 0.05; done
	echo "screen never showed /$1/:"; screen
	return 1
}
pane() {
	$TM kill-session -t t 2>/dev/null
	$TM new-session -d -s t -x 100 -y 30 "sh -c '$SBX exec -it ${1:-} $SOCK env PS1=remote\\$\\  sh;
		echo rc=\$?; stty -a | grep -o -- \"-\\?icanon\\|-\\?echo \" | tr -d \" \\n\"; echo :stty; sleep 60'"
	wait_for '^remote\$' || fail "no remote prompt"
}
restored() { wait_for '^icanonecho:stty$' && pass "the terminal is cooked again $1" || fail "not restored $1"; }

pane
pass "the remote shell's prompt"
keys 'echo typed-here' Enter
wait_for '^typed-here$' && pass "typing is echoed and runs remotely" || fail "typing"
keys 'stty size' Enter
wait_for '^30 100$' && pass "the PTY has our terminal's size" || fail "size"
$TM resize-window -t t -x 120 -y 40
sleep 0.3
keys 'stty size' Enter
wait_for '^40 120$' && pass "a resize of our terminal reaches the remote PTY" || fail "resize"
keys 'trap "echo got-winch" WINCH; sleep 1 & wait' Enter
sleep 0.3
$TM resize-window -t t -x 110 -y 35
wait_for '^got-winch$' && pass "the remote program gets SIGWINCH" || fail "SIGWINCH"
keys 'sleep 100' Enter
sleep 0.3
keys C-c
sleep 0.3
keys 'echo $((6 * 7))-after' Enter
wait_for '42-after$' && pass "Ctrl-C stops the remote program, not sbx" || fail "Ctrl-C"
keys 'exit 7' Enter
wait_for '^rc=7$' && pass "sbx exits with the remote shell's status" || fail "exit status"
restored "after exit"

# The agent dies under us: sbx retries for --reconnect, then leaves with
# an error, the terminal restored.
pane "--reconnect 1s"
kill -KILL "$APID"
wait_for 'reconnecting' && pass "a lost agent: sbx says it is reconnecting" || fail "no notice"
wait_for '^sbx: lost the connection' && pass "a lost agent is reported, on a line of its own" ||
	fail "lost agent"
wait_for '^rc=125$' && pass "and sbx exits 125" || fail "exit status after a lost agent"
restored "after the agent died"

# sbx ended by signals: HUP and TERM detach, the session goes on (attach.sh
# tests returning to it).
start_agent bHUP
pane
pkill -HUP -f -- "^$SBX exec -it $SOCK" || true
restored "after SIGHUP"
start_agent bTERM
pane
pkill -TERM -f -- "^$SBX exec -it $SOCK" || true
wait_for '^rc=143$' && pass "SIGTERM detaches sbx exec -it (143)" || fail "SIGTERM"
wait_for 'sbx attach --session [0-9]+ ' && pass "and says how to return" || fail "hint"
restored "after SIGTERM"
finish
