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

$TM new-session -d -s t -x 100 -y 30 "env PS1='local\$ ' bash --norc --noprofile"
keys() { $TM send-keys -t t "$@"; }
screen() { $TM capture-pane -p -t t | grep -v '^$'; }
# wait_for PATTERN: until the screen shows it (5 s at most)
wait_for() {
	for _ in $(seq 100); do screen | grep -qE -- "$1" && return 0; sleep 0.05; done
	echo "screen never showed /$1/:"; screen
	return 1
}
stty_state() { keys "stty -a | grep -o -- '-\\?icanon\\|-\\?echo ' | tr -d ' \\n'; echo :stty" Enter; }

keys "$SBX exec -it $SOCK env PS1='remote\$ ' sh; echo rc=\$?" Enter
wait_for '^remote\$' && pass "the remote shell's prompt" || fail "no remote prompt"
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
keys 'echo after-ctrl-c' Enter
wait_for '^after-ctrl-c$' && pass "Ctrl-C stops the remote program, not sbx" || fail "Ctrl-C"
keys 'exit 7' Enter
wait_for '^rc=7$' && pass "sbx exits with the remote shell's status" || fail "exit status"
stty_state
wait_for '^icanonecho:stty$' && pass "the terminal is cooked again after exit" || fail "not restored after exit"

# The agent dies under us: sbx leaves with an error, the terminal restored.
keys clear Enter
keys "$SBX exec -it $SOCK env PS1='remote\$ ' sh" Enter
wait_for '^remote\$' || fail "no remote prompt (2)"
kill -KILL "$APID"
wait_for 'lost the connection' && pass "a lost agent is reported" || fail "lost agent"
stty_state
wait_for '^icanonecho:stty$' && pass "the terminal is cooked again after the agent died" || fail "not restored after a lost agent"

# sbx itself killed by SIGTERM: the terminal is still restored.
start_agent b
keys clear Enter
keys "$SBX exec -it $SOCK env PS1='remote\$ ' sh" Enter
wait_for '^remote\$' || fail "no remote prompt (3)"
pkill -TERM -f -- "exec -it $SOCK" || true
wait_for '^local\$' || true
stty_state
wait_for '^icanonecho:stty$' && pass "the terminal is cooked again after SIGTERM" || fail "not restored after SIGTERM"
finish
