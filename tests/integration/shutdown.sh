#!/bin/bash
# SIGTERM to the agent ends every process of every exec, including ones
# that left the exec's process group; a dropped client's execs are killed.
. "$(dirname "$0")/lib.sh"
mark=sbxtest$$
# A copy of sleep whose path carries a mark we can find with pgrep.
SLEEP=$T/sleep-$mark
cp "$(command -v sleep)" "$SLEEP"
start_agent a

"$SBX" exec "$SOCK" $SLEEP 1001 >/dev/null 2>"$T/c1.err" &
c1=$!
"$SBX" shell "$SOCK" "$SLEEP 1002 & $SLEEP 1003" >/dev/null 2>&1 &
"$SBX" shell "$SOCK" "setsid $SLEEP 1004 & trap '' TERM; $SLEEP 1005" >/dev/null 2>&1 &
for _ in $(seq 50); do
	[ "$(alive_with "^$SLEEP" | wc -l)" -ge 5 ] && break
	sleep 0.1
done
check "all five test processes running" 5 "$(alive_with "^$SLEEP" | wc -l)"

kill -TERM "$APID"
for _ in $(seq 50); do
	kill -0 "$APID" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$APID" 2>/dev/null; check "agent exits on SIGTERM" 1 $?
wait "$APID"; check "agent exit status 0 after SIGTERM" 0 $?
check "no exec process survives the agent" "" "$(alive_with "$mark")"
wait $c1; check "client of a stopped agent gets the exit (SIGTERM: 143)" 143 $?
check "unix socket removed at exit" no "$([ -e "${SOCK#unix:}" ] && echo yes || echo no)"

# A client that vanishes takes its execs with it.
start_agent b
"$SBX" exec "$SOCK" sh -c "$SLEEP 1006" &
cpid=$!
for _ in $(seq 50); do
	[ -n "$(alive_with "$SLEEP 1006")" ] && break
	sleep 0.1
done
kill -9 $cpid
for _ in $(seq 50); do
	[ -z "$(alive_with "$SLEEP 1006")" ] && break
	sleep 0.1
done
check "exec of a killed client is killed" "" "$(alive_with "$SLEEP 1006")"
finish
