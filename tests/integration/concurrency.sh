#!/bin/bash
# Many execs at once: 100 over one connection (libsbx), 20 sbx processes.
. "$(dirname "$0")/lib.sh"
start_agent a

out=$("$SBX_MULTI" "$SOCK" 100 2>&1); rc=$?
check "100 concurrent execs over one connection" 0 $rc
[ $rc -eq 0 ] || echo "$out" | head -n 20

pids=""
for i in $(seq 20); do
	( "$SBX" exec "$SOCK" sh -c "sleep 0.3; echo out-$i; echo err-$i >&2; exit $i" \
		>"$T/o$i" 2>"$T/e$i"; echo $? >"$T/rc$i" ) &
	pids="$pids $!"
done
wait $pids
bad=0
for i in $(seq 20); do
	[ "$(cat "$T/o$i")" = "out-$i" ] && [ "$(cat "$T/e$i")" = "err-$i" ] &&
		[ "$(cat "$T/rc$i")" = "$i" ] || { bad=$((bad + 1)); echo "process $i: $(cat "$T/o$i" "$T/e$i" "$T/rc$i" | tr '\n' ' ')"; }
done
check "20 concurrent sbx exec processes all right" 0 $bad

# The agent is still healthy and has no exec left behind.
check "agent serves after the burst" ok "$("$SBX" exec "$SOCK" echo ok)"
check "no zombie children of the agent" "" \
	"$(ps -o stat= --ppid "$APID" | grep Z || true)"
finish
