#!/bin/bash
# Exec options: working directory, environment, agent-enforced timeout
# with kill grace, and --time.
. "$(dirname "$0")/lib.sh"
mark=sbxopt$$
SLEEP=$T/sleep-$mark
cp "$(command -v sleep)" "$SLEEP"
start_agent a

check "-w sets the directory" /tmp "$("$SBX" exec -w /tmp "$SOCK" pwd)"
msg=$("$SBX" exec --workdir /no/such/dir "$SOCK" pwd 2>&1); rc=$?
check "missing workdir gives 125" 125 $rc
check_match "missing workdir is named" "/no/such/dir: No such file or directory" "$msg"
msg=$("$SBX" exec -w /etc/passwd "$SOCK" pwd 2>&1); rc=$?
check "workdir that is a file gives 125" 125 $rc
check_match "workdir that is a file is named" "/etc/passwd: Not a directory" "$msg"

export SBXT_LOCAL=from-here
check "-e K=V, -e K passes ours, unset K passes nothing" "1 from-here unset" \
	"$("$SBX" exec -e A=1 -e SBXT_LOCAL -e SBXT_UNSET "$SOCK" sh -c 'echo "$A $SBXT_LOCAL ${SBXT_UNSET-unset}"')"
check "-e overrides the agent's own" "/x" "$("$SBX" exec -e HOME=/x "$SOCK" sh -c 'echo $HOME')"
printf '# comment\nB=2\n\nA=3\nC=with spaces and = sign\n' >"$T/envf"
check "--env-file, later -e wins" "4 2 with spaces and = sign" \
	"$("$SBX" exec --env-file "$T/envf" -e A=4 "$SOCK" sh -c 'echo "$A $B $C"')"
printf 'A=1\n=oops\n' >"$T/bad"
msg=$("$SBX" exec --env-file "$T/bad" "$SOCK" true 2>&1); rc=$?
check "malformed env file gives 125" 125 $rc
check_match "malformed env file: file and line named" "bad:2: \"=oops\"" "$msg"

start=$(date +%s%N)
msg=$("$SBX" exec --timeout 300ms "$SOCK" "$SLEEP" 100 2>&1); rc=$?
took=$(( ($(date +%s%N) - start) / 1000000 ))
check "timeout exits 124" 124 $rc
check_match "timeout says so" "timed out after 300ms" "$msg"
[ "$took" -lt 3000 ] || fail "timeout of 300ms took ${took} ms"

# A tree that ignores TERM: KILL after the grace period; nothing is left.
start=$(date +%s%N)
"$SBX" exec --timeout 200ms --kill-grace 500ms "$SOCK" sh -c \
	"trap '' TERM; $SLEEP 101 & $SLEEP 102 & setsid $SLEEP 103 & wait" 2>/dev/null; rc=$?
took=$(( ($(date +%s%N) - start) / 1000000 ))
check "timeout of a TERM-ignoring tree exits 124" 124 $rc
[ "$took" -lt 4000 ] || fail "TERM-ignoring tree took ${took} ms to go"
wait_gone "^$SLEEP 10[123]"
check "no process of the timed-out tree left, setsid one included" "" \
	"$(alive_with "^$SLEEP 10[123]")"

r=$("$SBX_PROBE" "$SOCK" --text '{"type":"exec","id":1,"cmd":"sleep","args":["5"],"timeout_ms":100}' --expect 2)
check_match "protocol: exited says timed_out" '"type":"exited","id":1,"signal":15,"timed_out":true' "$r"
r=$("$SBX_PROBE" "$SOCK" --text '{"type":"exec","id":1,"cmd":"true","timeout_ms":-1}' --expect 1)
check_match "protocol: negative timeout refused" '"code":"bad_message".*timeout_ms' "$r"

msg=$("$SBX" exec --timeout soon "$SOCK" true 2>&1); rc=$?
check "bad duration gives 125" 125 $rc
check_match "bad duration named" '"soon" is not a duration' "$msg"

# Every rlimit name, read back from /proc/self/limits of the command.
# Hard limits only go down (raising one needs CAP_SYS_RESOURCE); nice
# and rtprio are 0 here and cannot go lower.
limits="cpu=100:200@Max cpu time
fsize=1000000:2000000@Max file size
data=2000000000:unlimited@Max data size
stack=8388608:16777216@Max stack size
core=0:1000@Max core file size
rss=5000000:6000000@Max resident set
nproc=500:600@Max processes
nofile=64:128@Max open files
memlock=65536:131072@Max locked memory
as=4000000000:unlimited@Max address space
locks=50:60@Max file locks
sigpending=70:80@Max pending signals
msgqueue=1000:2000@Max msgqueue size
nice=0:0@Max nice priority
rtprio=0:0@Max realtime priority
rttime=1000000:2000000@Max realtime timeout"
args=()
while IFS=@ read -r spec _; do args+=(--rlimit "$spec"); done <<<"$limits"
got=$("$SBX" exec "${args[@]}" "$SOCK" cat /proc/self/limits)
while IFS=@ read -r spec label; do
	soft=${spec#*=}; hard=${soft#*:}; soft=${soft%:*}
	check_match "--rlimit $spec" "$label +$soft +$hard( |$)" "$(printf '%s\n' "$got" | grep "^$label")"
done <<<"$limits"
check "--rlimit SOFT alone sets both" "77 77" "$("$SBX" exec --rlimit nofile=77 "$SOCK" sh -c 'echo $(ulimit -Sn) $(ulimit -Hn)')"
msg=$("$SBX" exec --rlimit bogus=1 "$SOCK" true 2>&1); rc=$?
check "unknown rlimit gives 125" 125 $rc
check_match "unknown rlimit lists the names" 'unknown limit "bogus"; the names are: cpu fsize data stack core rss nproc nofile memlock as locks sigpending msgqueue nice rtprio rttime' "$msg"
msg=$("$SBX" exec --rlimit nofile=9:3 "$SOCK" true 2>&1); rc=$?
check "soft over hard gives 125" 125 $rc
r=$("$SBX_PROBE" "$SOCK" --text '{"type":"exec","id":1,"cmd":"true","rlimits":{"nofiles":[1,2]}}' --expect 1)
check_match "protocol: unknown rlimit refused" '"code":"bad_message".*nofiles' "$r"

# Users (this agent runs as root, as the tests do).
check "-u NAME" "65534 65534 /nonexistent nobody" \
	"$("$SBX" exec -u nobody "$SOCK" sh -c 'echo $(id -u) $(id -g) $HOME $USER')"
check "-u UID without an entry: gid 0" "1234 0" "$("$SBX" exec -u 1234 "$SOCK" sh -c 'echo $(id -u) $(id -g)')"
check "-u UID:GID" "1234 5678 5678" "$("$SBX" exec -u 1234:5678 "$SOCK" sh -c 'echo $(id -u) $(id -g) $(id -G)')"
msg=$("$SBX" exec -u no-such-user "$SOCK" id 2>&1); rc=$?
check "unknown user gives 125" 125 $rc
check_match "unknown user named" 'unknown user "no-such-user"' "$msg"
r=$("$SBX_PROBE" "$SOCK" --text '{"type":"exec","id":4,"cmd":"id","user":"no-such-user"}' --expect 1)
check_match "protocol: failed bad_user" '"type":"failed","id":4,"kind":"bad_user","errno":2,"stage":"user"' "$r"
if command -v setpriv >/dev/null; then
	chmod 755 "$T"
	mkdir "$T/nb" && chown 65534 "$T/nb"
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$SBX_AGENT" --listen unix:"$T/nb/nobody.sock" 2>"$T/nobody.log" &
	AGENT_PIDS="$AGENT_PIDS $!"
	wait_listening "$T/nobody.log" || cat "$T/nobody.log"
	msg=$("$SBX" exec -u root unix:"$T/nb/nobody.sock" id 2>&1); rc=$?
	check "agent not root: switching refused with 125" 125 $rc
	check_match "agent not root: says why" 'runs as uid 65534 and cannot switch.*run it as root' "$msg"
	check "agent not root: own user still fine" 65534 "$("$SBX" exec -u 65534:65534 unix:"$T/nb/nobody.sock" id -u)"
fi

# -t: a PTY of the given (else 24x80, no terminal here) size; stdout and
# stderr merged as a terminal shows them; -t alone never reads our stdin.
check "-t default size" "24 80" "$("$SBX" exec -t "$SOCK" stty size | tr -d '\r')"
check "-t --rows --cols" "30 100" "$("$SBX" exec -t --rows 30 --cols 100 "$SOCK" stty size | tr -d '\r')"
check_match "-t gives a terminal" '^/dev/pts/[0-9]+$' "$("$SBX" exec -t "$SOCK" tty | tr -d '\r')"
# A command that closes its terminal and goes on is not hung up (SIGHUP)
# before it ends: the terminal is hung up when the command has ended.
"$SBX" exec -t "$SOCK" sh -c 'exec 0<&- 1>&- 2>&-; sleep 0.3; exit 7'; rc=$?
check "-t: a command that closed its terminal still ends with its own status" 7 $rc
"$SBX" exec -t "$SOCK" sh -c 'echo out; echo err >&2; exit 3' >"$T/tout" 2>"$T/terr"; rc=$?
check "-t exit status" 3 $rc
check "-t merges stderr into stdout" "out err" "$(tr -d '\r' <"$T/tout" | tr '\n' ' ' | sed 's/ $//')"
check "-t leaves our stderr empty" 0 "$(wc -c <"$T/terr")"
check "-t -i feeds the terminal" "got hi" \
	"$(printf 'hi\n' | "$SBX" exec -t -i "$SOCK" sh -c 'read x; echo got $x' | tr -d '\r' | tail -n 1)"
check "-t -i: end of our input is Ctrl-D, so the command ends" 3 \
	"$(printf 'a\nb\nc\n' | timeout 10 "$SBX" exec -t -i "$SOCK" wc -l | tr -d '\r' | tail -n 1)"
mkfifo "$T/tfifo"
sleep 30 >"$T/tfifo" &
holder=$!
start=$(date +%s)
"$SBX" exec -t "$SOCK" echo fine <"$T/tfifo" >/dev/null; rc=$?
check "-t alone does not wait for our stdin" "0 fast" "$rc $([ $(( $(date +%s) - start )) -lt 5 ] && echo fast || echo slow)"
kill $holder 2>/dev/null
msg=$("$SBX" exec --rows 10 "$SOCK" true 2>&1); rc=$?
check "--rows without -t gives 125" 125 $rc
msg=$("$SBX" exec -t --cols 0 "$SOCK" true 2>&1); rc=$?
check "--cols 0 gives 125" 125 $rc

# --json: one object per event, text when UTF-8, else base64.
out=$("$SBX" exec --json "$SOCK" sh -c 'echo hi; sleep 0.2; echo oops >&2; sleep 0.2; printf "\377\376"; exit 3'); rc=$?
check "--json keeps the exit status" 3 $rc
check_match "--json started, with the exec number" '^\{"event":"started","pid":[0-9]+,"exec":[0-9]+\}' "$out"
check_match "--json stdout as text" '\{"event":"stdout","data":"hi\\n"\}' "$out"
check_match "--json stderr as text" '\{"event":"stderr","data":"oops\\n"\}' "$out"
b64=$(printf '%s\n' "$out" | sed -n 's/.*"data":"\([^"]*\)","encoding":"base64".*/\1/p')
check "--json binary as base64" "fffe" "$(printf '%s' "$b64" | base64 -d | od -An -tx1 | tr -d ' \n')"
check_match "--json exited last, with timing" '\{"event":"exited","timed_out":false,"total_ms":[0-9.]+,"queue_ms":[0-9.]+,"execute_ms":[0-9.]+,"code":3,"signal":null,"stdout_dropped":0,"stderr_dropped":0\}$' "$out"
check "--json: one line per event" 5 "$(printf '%s\n' "$out" | wc -l)"
out=$("$SBX" exec --json "$SOCK" no-such-cmd-json 2>/dev/null); rc=$?
check "--json failed event, exit 127" '127 {"event":"failed","kind":"not_found","errno":2,"stage":"exec","message":"no-such-cmd-json: No such file or directory"}' "$rc $out"

# --output-limit: each stream capped; the rest read, counted and named.
"$SBX" exec --output-limit 1K "$SOCK" sh -c 'head -c 5000 /dev/zero; head -c 100 /dev/zero >&2; exit 4' \
	>"$T/lo" 2>"$T/le"; rc=$?
check "--output-limit keeps the exit status" 4 $rc
check "--output-limit caps stdout" 1024 "$(wc -c <"$T/lo")"
check "--output-limit leaves a short stderr alone, trailer after" "sbx: stdout: 3976 bytes dropped past --output-limit" "$(tr -d '\0' <"$T/le")"
check "a big stream is read to the end, not blocked" 131072 \
	"$(timeout 20 "$SBX" exec --output-limit 128K "$SOCK" sh -c 'yes | head -c 20000000' 2>/dev/null | wc -c)"
check_match "--json exited counts the dropped bytes" '"stdout_dropped":1976,"stderr_dropped":0' \
	"$("$SBX" exec --output-limit 1K --json "$SOCK" sh -c 'head -c 3000 /dev/zero' | tail -n 1)"
msg=$("$SBX" exec --output-limit lots "$SOCK" true 2>&1); rc=$?
check "bad --output-limit gives 125" 125 $rc

msg=$("$SBX" exec --time "$SOCK" true 2>&1)
check_match "--time prints the timing" '^sbx: time: total [0-9.]+ ms \(queue [0-9.]+ ms, execute [0-9.]+ ms\)$' "$msg"
finish
