#!/bin/bash
# Ctrl-C in sbx exec interrupts the remote process group; a second one
# kills it. The remote command sees SIGINT as a local one would.
. "$(dirname "$0")/lib.sh"
mark=sbxsig$$
# A copy of sleep whose path carries a mark we can find with pgrep.
SLEEP=$T/sleep-$mark
cp "$(command -v sleep)" "$SLEEP"
start_agent a

# wait_running PATTERN: until a process whose command line matches runs.
# Ctrl-C goes only then: a shell with an INT trap that gets it between
# fork and exec of its child loses it in the child (dash does, locally
# too), and the child would run its 1000 s.
wait_running() {
	for _ in $(seq 200); do
		[ -n "$(alive_with "$1")" ] && return 0
		sleep 0.05
	done
	echo "never ran: $1"
}

"$SBX" shell "$SOCK" "trap 'echo got-int; exit 7' INT; echo ready; $SLEEP 1000; echo not-reached" >"$T/out" &
spid=$!
wait_running "^$SLEEP 1000"
kill -INT $spid
wait $spid; rc=$?
check "SIGINT reaches the remote shell, exit from its trap" 7 $rc
check "remote trap output arrives" "ready
got-int" "$(cat "$T/out")"
wait_gone "^$SLEEP 1000"
check "the group's sleep got SIGINT too" "" "$(alive_with "^$SLEEP 1000")"

"$SBX" shell "$SOCK" "trap '' INT; echo ready; $SLEEP 1001" >"$T/out2" &
spid=$!
wait_running "^$SLEEP 1001"
kill -INT $spid
sleep 0.3
kill -0 $spid 2>/dev/null; check "ignored SIGINT: still running" 0 $?
kill -INT $spid
wait $spid; rc=$?
check "second Ctrl-C kills: 137" 137 $rc

"$SBX" exec "$SOCK" $SLEEP 1002 &
spid=$!
wait_running "^$SLEEP 1002"
kill -TERM $spid
wait $spid; rc=$?
check "SIGTERM forwarded: 143" 143 $rc
finish
