#!/bin/bash
# fanout.sh: `sbx exec` and `sbx shell` on many targets (a,b,c, @group)
# against three real agents, each with its own working directory: the
# blocks and the summary table, exit statuses (the number that failed,
# an unreachable one counted, capped at 123), --parallel, --stream,
# --json, input sent to each.
. "$(dirname "$0")/lib.sh"

export XDG_CONFIG_HOME=$T/cfg HOME=$T
mkdir -p "$T/cfg/sbx"
for n in 1 2 3; do
	mkdir -p "$T/w$n"
	echo "$n" >"$T/w$n/id"
	start_agent "a$n" --workdir "$T/w$n"
	eval "A$n=\$SOCK"
done
cat >"$T/cfg/sbx/config" <<CONF
[box1]
url = $A1
[box2]
url = $A2
[box3]
url = $A3
[gone]
url = unix:$T/none.sock
[relayed]
url = unix:$T/relay.sock
@three = box1 box2 box3
@four = box1 box2 box3 gone
CONF

# Blocks: each target's stdout under its name, its stderr on ours; then
# the table on stderr.
"$SBX" exec box1,box2,box3 -- sh -c 'echo "out $(cat id)"; echo "err $(cat id)" >&2' \
	>"$T/out" 2>"$T/err"
check "exec on three: exit 0" 0 $?
for n in 1 2 3; do
	check "exec on three: box$n's block" "out $n" "$(sed -n "/^==> box$n <== exit 0, [0-9.]*s\$/{n;p}" "$T/out")"
	check_match "exec on three: box$n's stderr on ours" "^err $n\$" "$(grep "^err $n" "$T/err")"
	check_match "exec on three: box$n in the table" "^box$n +exit 0 +[0-9.]+s +12 *\$" "$(grep "^box$n " "$T/err")"
done
check "exec on three: blocks and nothing else on stdout" 8 "$(wc -l <"$T/out")"
check_match "exec on three: the table's header" "^SANDBOX +STATUS +TIME +OUT +ERROR" "$(cat "$T/err")"

# Exit status: the number that failed; one that could not be reached
# counts and is named.
out=$("$SBX" shell @four 'exit $(( $(cat id) % 2 ))' 2>&1); rc=$?
check "exec on four, 1 and 3 exit 1, gone unreachable: exit 3" 3 $rc
check_match "exec: the unreachable one's block says why" "==> gone <== failed, [0-9.]+s: cannot connect to unix:$T/none.sock" "$out"
check_match "exec: the table names why" "gone +failed .*cannot connect" "$out"
check_match "exec: box1's status in the table" "box1 +exit 1 " "$out"
check_match "exec: box2's status in the table" "box2 +exit 0 " "$out"
"$SBX" exec @three true >/dev/null 2>&1
check "exec on three, all exit 0: exit 0" 0 $?
"$SBX" exec @three sh -c 'kill -9 $$' >/dev/null 2>"$T/sig"
check "exec on three, all killed: exit 3" 3 $?
check_match "exec: a signal in the table" "box2 +signal KILL" "$(cat "$T/sig")"
targets=""
for i in $(seq 130); do targets="$targets${targets:+,}unix:$T/none$i.sock"; done
"$SBX" exec "$targets" true >/dev/null 2>&1
check "exec on 130 unreachable: exit capped at 123" 123 $?
"$SBX" exec box1,box2 nosuchcommand >/dev/null 2>"$T/nf"
check "exec on two, command not found on each: exit 2" 2 $?
check_match "exec: not found said in the table" "box1 +failed .*command not found" "$(cat "$T/nf")"

# --parallel: at most N at once. Each takes a lock directory for a while:
# two at once would find it taken.
lock='mkdir '"$T"'/lock || exit 9; sleep 0.2; rmdir '"$T"'/lock'
"$SBX" shell --parallel 1 @three "$lock" >/dev/null 2>&1
check "exec --parallel 1: one at a time, none found the lock taken" 0 $?
start=$(date +%s%N)
"$SBX" shell @three "sleep 0.5" >/dev/null 2>&1
all=$((($(date +%s%N) - start) / 1000000))
start=$(date +%s%N)
"$SBX" shell --parallel 1 @three "sleep 0.5" >/dev/null 2>&1
one=$((($(date +%s%N) - start) / 1000000))
check "exec: all at once by default (${all} ms for 3 x 0.5 s)" 1 $((all < 1400))
check "exec --parallel 1: in turn (${one} ms for 3 x 0.5 s)" 1 $((one >= 1500))
"$SBX" shell --parallel 2 @three "$lock" >/dev/null 2>&1
rc=$?
check "exec --parallel 2: two at once, so one or two find the lock taken" 1 $((rc == 1 || rc == 2))
out=$("$SBX" exec --parallel 0 @three true 2>&1); rc=$?
check "exec --parallel 0: refused" 125 $rc
check_match "exec --parallel 0: says what it takes" "give a number of targets, 1 or more" "$out"

# --stream: prefixed lines as they come.
out=$("$SBX" exec --stream @three sh -c 'echo "a $(cat id)"; echo "e $(cat id)" >&2' 2>/dev/null | sort)
check "exec --stream: prefixed lines" "box1 ! e 1
box1 | a 1
box2 ! e 2
box2 | a 2
box3 ! e 3
box3 | a 3" "$out"

# --json: one object per target.
"$SBX" shell --json @four 'cat id; exit $(cat id)' >"$T/json" 2>/dev/null
check "exec --json: exit 4 (all failed)" 4 $?
check "exec --json: one object per target" 4 "$(jq -c . <"$T/json" | wc -l)"
check "exec --json: the results" "box1 1 1
box2 2 2
box3 3 3
gone 125 null" "$(jq -r '"\(.sandbox) \(.status) \(.code)"' <"$T/json" | sort)"
check "exec --json: stdout kept" "2" "$(jq -r 'select(.sandbox=="box2") | .stdout' <"$T/json")"
check_match "exec --json: why gone failed" "cannot connect" "$(jq -r 'select(.sandbox=="gone") | .error' <"$T/json")"

# Input, sent to each as it comes.
out=$(printf 'l1\nl2\n' | "$SBX" exec -i --json @three wc -l | jq -j .stdout | sort -u)
check "exec -i on three: each got our stdin" 2 "$out"
# Live: what is typed reaches every target before the input ends.
mkfifo "$T/fifo"
timeout 20 "$SBX" exec -i --stream --color=never @three cat <"$T/fifo" >"$T/live" 2>&1 &
lp=$!
exec 7>"$T/fifo"
echo first >&7
for _ in $(seq 200); do [ "$(grep -c ' | first$' "$T/live")" = 3 ] && break; sleep 0.05; done
check "exec -i on three: a line reaches each before stdin ends" 3 "$(grep -c ' | first$' "$T/live")"
echo second >&7
exec 7>&-
wait $lp
check "exec -i on three, live: exit 0 once stdin ends" 0 $?
check "exec -i on three, live: both lines, in order, on each" "box1 | first
box1 | second
box2 | first
box2 | second
box3 | first
box3 | second" "$(sort -s -k1,1 "$T/live" | grep ' | ')"
# More than the 64 MiB a whole read allowed, byte for byte to each; one
# target reads late, and the others wait for it without losing a byte.
head -c 100000000 /dev/urandom >"$T/big"
want=$(sha256sum <"$T/big" | cut -d' ' -f1)
out=$("$SBX" exec -i --json @three sh -c '[ "$(cat id)" = 2 ] && sleep 1; sha256sum' <"$T/big" |
	jq -j '.stdout' | cut -d' ' -f1 | sort | uniq -c | tr -s ' ')
check "exec -i on three: 100 MB to each intact, a slow reader included" " 3 $want" "$out"
# One that closes its stdin early and runs on holds the others back in
# nothing.
head -c 20000000 "$T/big" >"$T/big20"
want=$(sha256sum <"$T/big20" | cut -d' ' -f1)
out=$(timeout 30 "$SBX" exec -i --json @three sh -c \
	'if [ "$(cat id)" = 1 ]; then head -c 1000 >/dev/null; exec 0<&-; sleep 2; echo '"$want"'; else sha256sum; fi' \
	<"$T/big20" | jq -j '.stdout' | cut -d' ' -f1 | sort | uniq -c | tr -s ' ')
check "exec -i on three: one closes its stdin early, the others get every byte" " 3 $want" "$out"
# Input across a dropped connection (a relay killed while 20 MB stream
# in, started again): what its agent did not get is sent again, from the
# byte it says it has, so each command still reads every byte once.
relay_start "$A1"
mkfifo "$T/fifo2"
# The relayed one reads late: input waits in the relay and the sockets
# when the relay goes.
timeout 60 "$SBX" exec -i relayed,box2 -- sh -c '[ "$(cat id)" = 1 ] && sleep 3.1; sha256sum' \
	<"$T/fifo2" >"$T/rj" 2>"$T/re" &
ep=$!
exec 8>"$T/fifo2"
cat "$T/big20" >&8 &
wp=$!
# Cut once it runs (its late reader sleeping) and input has piled up.
for _ in $(seq 200); do [ -n "$(alive_with '^sleep 3.1$')" ] && break; sleep 0.05; done
sleep 0.5
relay_stop
sleep 1
relay_start
wait $wp
exec 8>&-
wait $ep
check "exec -i across a dropped connection: exit 0" 0 $?
relay_stop
check_match "...the drop said" "relayed: disconnected: " "$(cat "$T/re")"
check_match "...and the return" "relayed: reconnected after" "$(cat "$T/re")"
check "...every byte of the input reached each, once" "$want  -
$want  -" "$(sed -n '/^==> relayed <==/{n;p}' "$T/rj"; sed -n '/^==> box2 <==/{n;p}' "$T/rj")"
rm -f "$T/big" "$T/big20"
out=$(printf 'a\nb\nc\n' | "$SBX" exec -i --json --parallel 1 @three wc -l | jq -j .stdout | sort | uniq -c | tr -s ' ')
check "exec -i --parallel 1: each, in its turn, gets the whole input" " 3 3" "$out"
out=$(printf 'x\n' | "$SBX" exec -i --json @four cat 2>/dev/null | jq -j 'select(.status == 0) | .stdout' | sort | uniq -c | tr -s ' ')
check "exec -i with one unreachable: the others get the input" " 3 x" "$out"
out=$("$SBX" exec --stdin-data hello --json @three cat | jq -r .stdout | sort -u)
check "exec --stdin-data on three: each got it" hello "$out"
out=$("$SBX" exec -it @three true 2>&1); rc=$?
check "exec -it on three: refused" 125 $rc
check_match "exec -it on three: says why" "-it is for one target" "$out"
out=$("$SBX" exec -t --json @three sh -c 'stty size' | jq -j .stdout | tr -d '\r' | sort -u)
check "exec -t on three: each its own 24x80 terminal" "24 80" "$out"

# Every exec option applies on each: -e, -w, --timeout.
out=$("$SBX" exec -e X=y -w /tmp --json @three sh -c 'echo $X $(pwd)' | jq -j .stdout | sort -u)
check "exec -e -w on three" "y /tmp" "$out"
"$SBX" exec --timeout 300ms @three sleep 5 >/dev/null 2>"$T/to"
check "exec --timeout on three: exit 3" 3 $?
check_match "exec --timeout: timed out in the table" "box3 +timed out" "$(cat "$T/to")"

# Ctrl-C: every command stopped, 130, nothing left.
"$SBX" exec @three sleep 303 >/dev/null 2>&1 &
ep=$!
for _ in $(seq 100); do [ "$(alive_with '^sleep 303' | wc -l)" = 3 ] && break; sleep 0.05; done
kill -INT $ep
wait $ep
check "exec on three after Ctrl-C: exit 130" 130 $?
wait_gone '^sleep 303'
check "exec on three after Ctrl-C: nothing left" "" "$(alive_with '^sleep 303')"

# --output-limit on each: cut, and said.
out=$("$SBX" exec --output-limit 3 box1,box2 echo hello 2>&1)
check_match "exec --output-limit on two: the output cut" "==> box1 <== exit 0.*
hel
" "$out"
check_match "exec --output-limit on two: the cut said" "sbx: box2: stdout: 3 bytes dropped past --output-limit" "$out"
check "exec --output-limit --json: dropped counted" "3 3" \
	"$("$SBX" exec --json --output-limit 3 box1,box2 echo hello | jq -r .stdout_dropped | tr '\n' ' ' | sed 's/ $//')"
# -t with one of --rows and --cols: the other is the default.
out=$("$SBX" exec -t --cols 132 --json box1,box2 stty size | jq -j .stdout | tr -d '\r' | sort -u)
check "exec -t --cols 132 on two: 24 132" "24 132" "$out"
out=$("$SBX" exec --time box1,box2 true 2>&1); rc=$?
check "exec --time on two: refused" 125 $rc
check_match "exec --time on two: says where the times are" "the table on stderr" "$out"
out=$("$SBX" exec --stream --json box1,box2 true 2>&1); rc=$?
check "exec --stream --json: refused" 125 $rc
# A name that names nothing fails alone, named; the others run.
out=$("$SBX" exec box1,nosuch,box2 cat id 2>&1); rc=$?
check "exec with an unknown name among three: exit 1" 1 $rc
check_match "exec: the unknown one named, with the known ones" 'nosuch +failed .*unknown sandbox "nosuch"; known: .*box1' "$out"
check_match "exec: the others ran" "==> box2 <== exit 0" "$out"
# Timed out once, not twice.
out=$("$SBX" exec --timeout 200ms box1,box2 sleep 5 2>&1)
check_match "exec --timeout: the header says it once" "==> box1 <== timed out, [0-9.]+s
" "$out"
# Ended commands do not stay behind as sessions once their output is in.
ps_left=$("$SBX" ps box1)
check "exec on many: nothing left listed on the agent" "" "$(printf "%s\n" "$ps_left" | sed 1d)"

# One target is still one target.
out=$("$SBX" exec --stream box1 true 2>&1); rc=$?
check "exec --stream on one: refused" 125 $rc
check_match "exec --stream on one: says why" "are for many targets" "$out"

finish
