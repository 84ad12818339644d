#!/bin/bash
# Backpressure: a reader that stalls for 10 s on a 79 MB stream stops the
# command instead of growing the agent (which would take the whole stream
# otherwise); the data then resumes intact, and other clients are served
# meanwhile.
. "$(dirname "$0")/lib.sh"
start_agent a
rss() { awk '/^VmRSS/ {print $2}' /proc/"$APID"/status; }

want=$(seq 1 10000000 | sha256sum | cut -d' ' -f1)
idle=$(rss)
( "$SBX" exec "$SOCK" seq 1 10000000 | (sleep 10; cat) | sha256sum | cut -d' ' -f1 >"$T/sum" ) &
reader=$!
sleep 3
peak=0
for _ in $(seq 10); do
	r=$(rss); [ "$r" -gt "$peak" ] && peak=$r
	sleep 0.5
done
check "another client is served while one stalls" ok "$("$SBX" exec "$SOCK" echo ok)"
wait $reader
grown=$((peak - idle))
if grep -qa __asan_init "$SBX_AGENT"; then
	echo "RSS not checked under AddressSanitizer (its quarantine keeps freed memory)"
else
	[ "$grown" -lt 32768 ] && check "agent RSS during a 10 s stall: +${grown} KiB (< 32 MiB)" ok ok ||
		check "agent RSS during a 10 s stall" "< 32768 KiB" "+$grown KiB"
fi
check "the stream resumes intact after the stall" "$want" "$(cat "$T/sum")"
finish
