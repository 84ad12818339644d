#!/bin/bash
# Keepalive both ways: a client that stops answering is dropped by the
# agent and its command killed, without disturbing others; a client whose
# agent stops answering gives up with a clear error; a command that is
# merely quiet keeps its connection.
. "$(dirname "$0")/lib.sh"
start_agent a --keepalive 1
children() { ps -o pid= --ppid "$1" | tr -d ' '; }

out=$("$SBX" exec --keepalive 1 "$SOCK" sh -c 'sleep 4; echo quiet'); rc=$?
check "a command quiet for 4 s (keepalive 1 s) keeps its connection" "quiet 0" "$out $rc"

# A stopped client: the agent drops it after 3 x 1 s and kills its command.
"$SBX" exec "$SOCK" sleep 1001 2>"$T/stopped.err" &
client=$!
sleep 0.5
kill -STOP $client
stopped=$(date +%s%N)
check "the stopped client's command runs at first" 1 "$(children "$APID" | wc -l)"
check "another client is served while one is stopped" ok "$("$SBX" exec "$SOCK" echo ok)"
gone=""
for _ in $(seq 80); do
	[ -z "$(children "$APID")" ] && { gone=$(( ($(date +%s%N) - stopped) / 1000000 )); break; }
	sleep 0.1
done
check_match "a silent client is dropped and its command killed (3 s limit)" '^[0-9]+$' "$gone"
# Silent since about 0.5 s before the stop; lws checks once a second.
[ -n "$gone" ] && [ "$gone" -ge 1000 ] && [ "$gone" -le 5000 ] ||
	fail "dropped ${gone:-never} ms after the stop, want 1000..5000"
kill -CONT $client
wait $client; rc=$?
check "the client, resumed, finds its connection gone (exit 125)" 125 $rc
check_match "and says so" 'lost the connection' "$(cat "$T/stopped.err")"

# A stopped agent: the client gives up after 3 x 1 s with the reason.
start_agent b --keepalive 60
B=$APID
start=$(date +%s%N)
"$SBX" exec --keepalive 1 "$SOCK" sleep 1002 2>"$T/agent-stopped.err" &
client=$!
sleep 0.5
kill -STOP $B
wait $client; rc=$?
took=$(( ($(date +%s%N) - start) / 1000000 ))
kill -CONT $B
check "a client of a stopped agent gives up (exit 125)" 125 $rc
check_match "naming the keepalive" 'no answer for [0-9]+ s \(keepalive\)' "$(cat "$T/agent-stopped.err")"
[ "$took" -ge 2500 ] && [ "$took" -lt 8000 ] || fail "gave up after $took ms, want about 3000"
for _ in $(seq 50); do [ -z "$(children "$B")" ] && break; sleep 0.1; done
check "the resumed agent kills the command of the client that left" "" "$(children "$B")"
check "the resumed agent serves again" ok "$("$SBX" exec "$SOCK" echo ok)"
finish
