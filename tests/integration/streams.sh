#!/bin/bash
# stdout and stderr arrive byte-exact and separate; output in flight when
# the command exits all arrives before its exit status.
. "$(dirname "$0")/lib.sh"
start_agent a

head -c 10485760 /dev/urandom >"$T/rand"
want=$(sha256sum <"$T/rand" | cut -d' ' -f1)
got=$("$SBX" exec "$SOCK" cat "$T/rand" | sha256sum | cut -d' ' -f1)
check "10 MiB random binary stdout keeps its sha256" "$want" "$got"

"$SBX" exec "$SOCK" sh -c 'echo out1; echo err1 >&2; echo out2; echo err2 >&2' \
	>"$T/out" 2>"$T/err"
check "stdout only on stdout" "out1
out2" "$(cat "$T/out")"
check "stderr only on stderr" "err1
err2" "$(cat "$T/err")"

"$SBX" exec "$SOCK" sh -c "head -c 3000000 $T/rand >&2; cat $T/rand; exit 5" \
	>"$T/o2" 2>"$T/e2"; rc=$?
check "exit status after bulk output" 5 $rc
check "all of stdout before exit" 10485760 "$(wc -c <"$T/o2")"
check "all of stderr before exit" 3000000 "$(wc -c <"$T/e2")"

printf 'no newline' >"$T/nonl"
check "bytes without newline kept" "no newline" "$("$SBX" exec "$SOCK" cat "$T/nonl")"

# A background child holding the pipes must not hang the exec.
start=$(date +%s)
"$SBX" exec "$SOCK" sh -c 'sleep 30 & echo started' >"$T/bg"; rc=$?
took=$(( $(date +%s) - start ))
check "background child does not hold the exec" 0 $rc
check "background child: output kept" started "$(cat "$T/bg")"
[ "$took" -lt 5 ] || fail "exec with a background child took ${took}s"

# Reader gone: the remote writer gets SIGPIPE, as in a local pipeline.
out=$(timeout 20 "$SBX" exec "$SOCK" yes | head -n 1; echo "${PIPESTATUS[0]}")
check "yes | head ends: output" "y
141" "$out"
finish
