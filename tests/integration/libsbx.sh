#!/bin/bash
# The C API: examples/run.c (blocking: run, shell, a missing command,
# stdin, options, streams, a signal) and examples/poll.c (the callback
# API under the caller's own poll loop) against a real agent.
. "$(dirname "$0")/lib.sh"
start_agent a

out=$("$SBX_EXAMPLE_RUN" "$SOCK" 2>&1); rc=$?
check "run example exits 0" 0 $rc
[ $rc -eq 0 ] || echo "$out"
line() { printf '%s\n' "$out" | grep -m1 "^$1: $2" || true; }

check "sbx_run: stdout of uname -s" "uname: stdout [$(uname -s)" "$(line uname stdout)"
check_match "sbx_run: exit 0, every time > 0" \
	'^uname: status 0, total [0-9.]+ ms, queue [0-9.]+ ms, execute [0-9.]+ ms$' "$(line uname status)"
check "sbx_run: total, queue, execute all > 0" yes "$(line uname status |
	awk '{ print ($5 > 0 && $8 > 0 && $11 > 0) ? "yes" : "no" }')"
check "sbx_shell: exit 3" "shell: status 3" "$(line shell status | cut -d, -f1)"
check "sbx_shell: stdout and stderr apart" "shell: stdout [out" "$(line shell stdout)"
check "sbx_shell: stderr apart" "] stderr [err" \
	"$(printf '%s\n' "$out" | grep -A1 '^shell: stdout' | tail -n1)"
check_match "missing command: not_found, 127" \
	'^missing: status 127, failed: not_found at exec: no-such-command-here' "$(line missing status)"
check "sbx_run_with: stdin echoed back" "stdin: stdout [hello through stdin" "$(line stdin stdout)"
check "sbx_run_with: env and cwd" "options: stdout [hello from /tmp" "$(line options stdout)"
check "sbx_run_with: timeout_ms" "timeout: timed_out 1" "$(line timeout timed_out)"
check "sbx_run_with: timed out is 124" "timeout: status 124" "$(line timeout status | cut -d, -f1)"
check "stream: started event with a pid" "event: started, pid > 0" "$(line event started)"
check "stream: stdin through tr" "event: stdout [STREAMED STDIN]" "$(line event stdout)"
check "stream: exited event" "event: exited 0" "$(line event exited)"
check "three streams at once: outputs" "stream-0 stream-1 stream-2" \
	"$(printf '%s\n' "$out" | sed -n 's/^many: \(stream-.\)$/\1/p' | tr '\n' ' ' | sed 's/ $//')"
check "three streams at once: in parallel" "many: 3 streams in parallel" "$(line many 3)"
check "sbx_stream_signal TERM: 143" "signal: status 143 signo 15" "$(line signal status)"

out=$("$SBX_EXAMPLE_POLL" "$SOCK" 2>&1); rc=$?
check "poll example exits 0" 0 $rc
[ $rc -eq 0 ] || echo "$out"
check "poller: our timer's ticks through a remote cat" \
	"$(printf 'poll: echoed [tick 1\ntick 2\ntick 3\ntick 4\ntick 5\n]')" \
	"$(printf '%s\n' "$out" | sed -n '/^poll: echoed/,/^]/p')"
check "poller: ten execs beside it" "poll: 10 of 10 exit codes right" "$(line poll 10)"
check "poller: a missing agent fails at once" "poll: missing agent reported at once" \
	"$(line poll missing)"
check_match "poller: the loop sleeps in poll" "^poll: loop slept in poll" "$(line poll loop)"

out=$("$SBX_EXAMPLE_RUN" unix:"$T"/none.sock 2>&1); rc=$?
check "sbx_connect to no agent: fails" 1 $rc
check_match "sbx_connect to no agent: says why" "run: cannot connect to unix:.*none.sock: No such file" "$out"
# The corners: refused, orphaned, non-blocking recv, unread output, lost.
SOCK_A=$SOCK
start_agent doomed
out=$("$SBX_BLOCKING" "$SOCK_A" "$SOCK" 2>&1); rc=$?
check "blocking corners all right" 0 $rc
[ $rc -eq 0 ] || echo "$out"
wait_gone orphan-d41c
check "a stream freed while running is killed" "" "$(alive_with orphan-d41c)"
finish
