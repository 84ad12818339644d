#!/bin/bash
# Bad input gets an `error` reply naming the problem, and the agent keeps
# serving that client and others. Uses the raw probe client.
. "$(dirname "$0")/lib.sh"
start_agent a

r=$("$SBX_PROBE" "$SOCK" --text '{"type":' --expect 1)
check_match "malformed JSON: error bad_json" '"type":"error".*"code":"bad_json"' "$r"

r=$("$SBX_PROBE" "$SOCK" --text '{"type":"teleport","id":1}' --expect 1)
check_match "unknown type: error unknown_type" '"code":"unknown_type".*teleport' "$r"

r=$("$SBX_PROBE" "$SOCK" --big 1100000 --text '{"type":"kill","id":9}' --expect 2)
check_match "oversized frame: error frame_too_large" '"code":"frame_too_large"' "$r"
check_match "oversized frame: connection still served" '"code":"unknown_exec"' "$r"

r=$("$SBX_PROBE" "$SOCK" --text '{"type":"exec","id":"x","cmd":"true"}' --expect 1)
check_match "wrong field type: bad_message naming it" '"code":"bad_message".*\\"id\\"' "$r"

r=$("$SBX_PROBE" "$SOCK" --hex 01 --expect 1)
check_match "truncated data frame: bad_frame" '"code":"bad_frame"' "$r"

r=$("$SBX_PROBE" "$SOCK" --hex c3 --text '{"type":"kill","id":3}' --expect 2)
check_match "binary garbage then good message still served" '"code":"unknown_exec"' "$r"

r=$("$SBX_PROBE" "$SOCK" --no-hello --text '{"type":"hello","version":2}' --expect 2)
check_match "version mismatch: error version_mismatch" '"code":"version_mismatch"' "$r"
check_match "version mismatch: connection closed" 'closed' "$r"

r=$("$SBX_PROBE" "$SOCK" --no-hello --text '{"type":"exec","id":1,"cmd":"true"}' --expect 2)
check_match "exec before hello: hello_required" '"code":"hello_required"' "$r"

r=$("$SBX_PROBE" "$SOCK" --text '{"type":"exec","id":1,"cmd":"sleep","args":["1"]}' \
	--text '{"type":"exec","id":1,"cmd":"true"}' --expect 3)
check_match "duplicate id refused" '"code":"duplicate_id"' "$r"

r=$("$SBX_PROBE" "$SOCK" --text '{"type":"exec","id":5,"cmd":"cat"}' \
	--hex 0100000000050000000000000000ff --expect 3)
check_match "stdin to an exec without stdin pipe: stdin_closed" '"code":"stdin_closed"' "$r"

r=$("$SBX_PROBE" "$SOCK" --text '{"type":"exec","id":7,"cmd":"sh","args":["-c","echo hi; exit 4"]}' --expect 3)
check_match "probe exec: started" '"type":"started","id":7,"pid":[0-9]+' "$r"
check_match "probe exec: data frame with offset 0" 'data stdout 7 0 3' "$r"
check_match "probe exec: exited with code and timing" '"type":"exited","id":7,"code":4.*"total_ms":.*"queue_ms":.*"execute_ms"' "$r"

r=$("$SBX_PROBE" "$SOCK" --text '{"type":"exec","id":8,"cmd":"true","cwd":"/no/such/dir"}' --expect 1)
check_match "bad cwd: failed bad_cwd with errno and stage" '"type":"failed","id":8,"kind":"bad_cwd","errno":2,"stage":"chdir"' "$r"

r=$("$SBX_PROBE" "$SOCK" --text '{"type":"exec","id":3,"cmd":"id","detach":true}' --expect 1)
check_match "unknown exec field refused, naming it and the exec" '"type":"error","id":3,"code":"bad_message".*detach' "$r"

r=$("$SBX_PROBE" "$SOCK" --text '{"type":"exec","id":6,"cmd":"cat","stdin":"pipe"}' \
	--hex 01000000000600000000000000056869 --expect 2)
check_match "stdin at a wrong offset refused" '"id":6,"code":"bad_frame".*expected 0' "$r"

r=$("$SBX_PROBE" "$SOCK" --hex 0201000000010000000000000000 --expect 2)
check_match "data frame of version 2: version_mismatch" '"code":"version_mismatch"' "$r"
check_match "data frame of version 2: closed" 'closed' "$r"

r=$("$SBX_PROBE" "$SOCK" --protocol sbx.v2 --expect 1)
check_match "other subprotocol refused at the handshake" 'connect-error' "$r"

r=$("$SBX_PROBE" "$SOCK" --text '{"type":"exec","id":9,"cmd":"sh","args":["-c","test \"$FOO:$HOME\" = \"b a r:/x\" && pwd"],"env":{"FOO":"b a r","HOME":"/x"},"cwd":"/tmp"}' --expect 3)
check_match "env and cwd reach the command" 'data stdout 9 0 5' "$r"
check_match "env and cwd: exit 0" '"type":"exited","id":9,"code":0' "$r"

args=()
for i in $(seq 257); do
	args+=(--text "{\"type\":\"exec\",\"id\":$i,\"cmd\":\"sleep\",\"args\":[\"3\"]}")
done
r=$("$SBX_PROBE" "$SOCK" "${args[@]}" --expect 257 --timeout 20)
check "256 execs start on one connection" 256 "$(printf '%s\n' "$r" | grep -c '"type":"started"')"
check_match "the 257th is refused: too_many_execs" '"id":257,"code":"too_many_execs"' "$r"

# A client that floods bad messages and never reads the replies: the
# agent stops reading it instead of queueing replies without end.
rss() { awk '/^VmRSS/ {print $2}' /proc/"$APID"/status; }
before=$(rss)
"$SBX_PROBE" "$SOCK" --flood 400000 --timeout 6 >"$T/flood" &
fpid=$!
sleep 3
check "others served during a flood" ok "$("$SBX" exec "$SOCK" echo ok)"
wait $fpid
# The agent stops reading after 4 MiB of unread replies, so most of the
# flood never leaves the probe (it takes all 400000 frames otherwise).
sent=$(sed -n 's/^flood: sent \([0-9]*\) .*/\1/p' "$T/flood")
[ "${sent:-400000}" -lt 200000 ] && check "flood: agent stopped reading (${sent} frames taken)" ok ok ||
	check "flood: agent stopped reading" "< 200000 frames" "${sent:-none}"
# RSS says nothing under AddressSanitizer, whose quarantine keeps freed
# memory.
if ! grep -qa __asan_init "$SBX_AGENT"; then
	grown=$(( $(rss) - before ))
	[ "$grown" -lt 16384 ] && check "agent memory bounded under a flood (${grown} KiB)" ok ok ||
		check "agent memory bounded under a flood" "< 16384 KiB" "$grown KiB"
fi

# Through all of that, other clients were never disturbed.
check "agent still serves a normal client" ok "$("$SBX" exec "$SOCK" echo ok)"
kill -0 "$APID" 2>/dev/null; check "agent still running" 0 $?
finish
