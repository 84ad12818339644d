#!/bin/bash
# -i streams our stdin; without it the command's stdin is /dev/null.
. "$(dirname "$0")/lib.sh"
start_agent a

head -c 10485760 /dev/urandom >"$T/rand"
want=$(sha256sum <"$T/rand" | cut -d' ' -f1)
got=$("$SBX" exec -i "$SOCK" cat <"$T/rand" | sha256sum | cut -d' ' -f1)
check "10 MiB through -i cat round-trips" "$want" "$got"

got=$(head -c 10485760 "$T/rand" | "$SBX" exec --interactive "$SOCK" sha256sum | cut -d' ' -f1)
check "10 MiB piped into a remote sha256sum" "$want" "$got"

check "-i EOF closes remote stdin" 3 "$(printf 'a\nb\nc\n' | "$SBX" exec -i "$SOCK" wc -l)"
check "empty stdin with -i" 0 "$(: | "$SBX" exec -i "$SOCK" wc -c)"

# Without -i the command sees EOF at once, even with our stdin open.
# Our stdin stays open (a writer that never writes) for these two.
mkfifo "$T/fifo"
sleep 30 >"$T/fifo" &
holder=$!
start=$(date +%s)
out=$("$SBX" exec "$SOCK" sh -c 'cat; echo eof' <"$T/fifo")
took=$(( $(date +%s) - start ))
check "without -i stdin is at EOF" eof "$out"
[ "$took" -lt 5 ] || fail "without -i the command waited ${took}s for stdin"
check "without -i stdin is /dev/null" /dev/null \
	"$("$SBX" exec "$SOCK" readlink /proc/self/fd/0)"

# A command that exits without reading its stdin does not hang sbx.
start=$(date +%s)
"$SBX" exec -i "$SOCK" true <"$T/fifo"; rc=$?
took=$(( $(date +%s) - start ))
check "exit without reading stdin" 0 $rc
[ "$took" -lt 5 ] || fail "exec -i of true took ${took}s"
kill $holder 2>/dev/null
# The command closes its stdin early: no error spam, and the local writer
# gets SIGPIPE as in a local pipeline; the command's output still arrives.
out=$(timeout 20 bash -c "yes | \"$SBX\" exec -i \"$SOCK\" sh -c 'exec 0<&-; sleep 1; echo done'; echo \"rc=\${PIPESTATUS[*]}\"" 2>&1)
check "remote closes stdin: output, writer SIGPIPE, exit 0, no errors" "done
rc=141 0" "$out"
out=$(timeout 20 bash -c "yes | \"$SBX\" exec -i \"$SOCK\" head -n 2" 2>&1)
check "yes | sbx exec -i head -n 2" "y
y" "$out"
finish
