#!/bin/bash
# tail.sh: `sbx tail` across three real agents, named in a config file:
# merged lines in exact per-sandbox order under random chunking, colour
# and NO_COLOR, --json, a dropped connection resumed without loss or
# duplicates, an agent killed and restarted, one unreachable from the
# start, Ctrl-C stopping every command, exit statuses.
. "$(dirname "$0")/lib.sh"

export XDG_CONFIG_HOME=$T/cfg HOME=$T
mkdir -p "$T/cfg/sbx"
for n in 1 2 3; do
	start_agent "a$n"
	eval "A$n=\$SOCK P$n=\$APID"
done
cat >"$T/cfg/sbx/config" <<CONF
[box1]
url = $A1
[box2]
url = $A2
[box3]
url = $A3
[relayed]
url = unix:$T/relay.sock
[gone]
url = unix:$T/none.sock
@three = box1 box2 box3
CONF

# Lines "NAME SEQ xxx..." written in random chunks (1..9000 bytes, cut
# anywhere, lines among them), to stdout, and every 1000th to stderr.
cat >"$T/spew.pl" <<'PL'
my ($name, $n, $seed) = @ARGV;
srand($seed);
my $out = "";
for my $i (1 .. $n) {
	$out .= "$name $i " . ("x" x (1 + ($i * 7) % 90)) . "\n";
	if ($i % 1000 == 0) { syswrite(STDERR, "$name err $i\n") // die; }
	while (length($out) > 9000 || ($i == $n && length($out))) {
		my $k = 1 + int(rand(9000));
		$k = length($out) if $k > length($out);
		my $w = syswrite(STDOUT, $out, $k) // die;
		substr($out, 0, $w) = "";
	}
}
PL

# 3 x 100,000 lines at once: each sandbox's lines in its own order, none
# torn, none lost or doubled.
"$SBX" tail box1 box2 box3 -- sh -c 'exec perl '"$T"'/spew.pl "$0" 100000 "$$"' \
	>"$T/merged" 2>"$T/merged.err"
rc=$?
check "tail of 3 x 100000 lines: exit 0" 0 $rc
check "tail: 300000 lines and 300 stderr lines" 300300 "$(wc -l <"$T/merged")"
bad=$(grep -cvE '^box[123] [|!] sh (err )?[0-9]+( x+)?$' "$T/merged")
check "tail: every line whole, with its prefix" 0 "$bad"
for b in 1 2 3; do
	want=$(seq 1 100000 | awk '{ printf "sh %d %s\n", $1, substr("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 1, 1 + ($1 * 7) % 90) }' | md5sum)
	got=$(sed -n "s/^box$b | //p" "$T/merged" | md5sum)
	check "tail: box$b's 100000 lines in order, exactly" "$want" "$got"
	check "tail: box$b's stderr lines marked, in order" \
		"$(seq 1000 1000 100000 | sed 's/^/sh err /' | md5sum)" \
		"$(sed -n "s/^box$b ! //p" "$T/merged" | md5sum)"
done

# More than the agent's 4 MiB ring, from a command that ends while the
# client still lags: what was read as the pipe closed waits for it, it
# does not overwrite the ring (the agent once sent output 4 MiB early).
"$SBX" tail box1 -- seq 1 1200000 | sed 's/^box1 | //' >"$T/seq"
check "tail: 8 MB from a command that ends at once, byte for byte" \
	"$(seq 1 1200000 | md5sum)" "$(md5sum <"$T/seq")"

# A line of 2.5 MiB: cut at 1 MiB into three pieces, marked, none lost.
"$SBX" tail box1 -- sh -c 'head -c 2621440 /dev/zero | tr "\0" y; echo; echo after' >"$T/long"
check "tail: a 2.5 MiB line in three pieces, then the next line" 4 "$(wc -l <"$T/long")"
check "tail: the pieces marked as cut and continued" "box1 | yyy [continued]
box1 | [continued] yyy [continued]
box1 | [continued] yyy
box1 | after" "$(sed 's/yyyy*/yyy/' "$T/long")"
check "tail: every byte of the long line there" 2621440 "$(head -n 3 "$T/long" | tr -cd y | wc -c)"

# Names padded to the longest; a partial last line printed at the end.
out=$("$SBX" tail box1 "$A2" -- printf 'no newline')
check "tail: partial last lines, names padded" \
	"$(printf 'box1%*s | no newline\n%s | no newline' $((${#A2} - 4)) '' "$A2" | sort)" \
	"$(printf '%s\n' "$out" | sort)"
# A partial line is printed once its sandbox is quiet, before it ends.
"$SBX" tail box1 -- sh -c 'printf "half"; sleep 5' >"$T/idle" &
tp=$!
for _ in $(seq 80); do [ -s "$T/idle" ] && break; sleep 0.05; done
check "tail: a partial line is printed after a quiet moment" "box1 | half" "$(cat "$T/idle")"
kill -INT $tp
wait $tp

# Colour: on a terminal only, never with NO_COLOR, always when asked.
out=$(script -qec "$SBX tail box1 -- echo hi" /dev/null </dev/null)
check_match "tail on a terminal: the name in colour" $'\e\\[3[1-6]mbox1 \\|\e\\[0m hi' "$out"
out=$(NO_COLOR=1 script -qec "$SBX tail box1 -- echo hi" /dev/null </dev/null | tr -d '\r')
check "tail on a terminal with NO_COLOR: no colour" "box1 | hi" "$out"
out=$("$SBX" tail box1 -- echo hi)
check "tail into a pipe: no colour" "box1 | hi" "$out"
out=$("$SBX" tail --color=always box1 box2 -- echo hi | sort)
check_match "tail --color=always: colour in a pipe" $'^\e\\[3[1-6]mbox1 \\|' "$out"
c1=$(printf '%s\n' "$out" | sed -n 's/^\x1b\[\(3[1-6]\)mbox1.*/\1/p')
c1b=$("$SBX" tail --color=always box2 box1 -- true; "$SBX" tail --color=always box1 -- echo x | sed -n 's/^\x1b\[\(3[1-6]\)mbox1.*/\1/p')
check "tail: a sandbox keeps its colour whatever the others" "$c1" "$c1b"
out=$("$SBX" tail --color=sometimes box1 -- true 2>&1); rc=$?
check "tail --color=sometimes: refused" 125 $rc
check_match "tail --color=sometimes: says what is accepted" "auto, always or never" "$out"

# --json: one valid object per line, stderr marked, and the agent's time.
"$SBX" tail --json @three -- sh -c 'echo "out é"; echo err >&2; printf "\377\n"' >"$T/json"
check "tail --json: one object per line" 9 "$(jq -c . <"$T/json" | wc -l)"
check "tail --json: the fields" "box1 stdout out é" \
	"$(jq -r 'select(.sandbox=="box1" and .stream=="stdout" and .encoding==null) | "\(.sandbox) \(.stream) \(.line)"' <"$T/json")"
check "tail --json: stderr" 3 "$(jq -r 'select(.stream=="stderr" and .line=="err") | .sandbox' <"$T/json" | wc -l)"
check "tail --json: bytes that are not UTF-8 in base64" "/w==" \
	"$(jq -r 'select(.sandbox=="box2" and .encoding=="base64") | .line' <"$T/json")"
ts=$(jq -r 'select(.sandbox=="box3") | .ts' <"$T/json" | head -n1)
check_match "tail --json: ts is a UTC time in ms" '^20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-9:]{8}\.[0-9]{3}Z$' "$ts"
now=$(date -u +%s)
tss=$(date -u -d "$ts" +%s)
check "tail --json: ts is now, give or take 5 s" 1 $((tss - now < 5 && now - tss < 5))
out=$("$SBX" tail --timestamps box1 -- echo stamped)
check_match "tail --timestamps: the time before the name" \
	'^20[0-9-]{8}T[0-9:.]{12}Z box1 \| stamped$' "$out"

# Exit status: 0 when all exited 0, else 1 and who did not.
"$SBX" tail @three -- sh -c 'exit 0' >/dev/null 2>&1
check "tail: all exit 0: exit 0" 0 $?
printf '3\n' >"$T/code"
out=$("$SBX" tail box1 box2 -- sh -c "exit \$(cat $T/code)" 2>&1); rc=$?
check "tail: one exited 3: exit 1" 1 $rc
check_match "tail: says who failed" "sbx: tail: 2 of 2 failed: box1 \(exited 3\), box2 \(exited 3\)" "$out"
check_match "tail: the end said in place" "box1 +\| exited 3" "$out"

# Unreachable from the start: said in place, retried, given up; the
# others stream on.
out=$("$SBX" tail --reconnect 1s box1 gone box2 -- sh -c 'echo one; sleep 0.5; echo two' 2>"$T/gone.err"); rc=$?
check "tail with one unreachable: exit 1" 1 $rc
check_match "tail: the unreachable one said in place" "gone +\| cannot connect to unix:$T/none.sock: No such file or directory.*retrying for up to 1s" "$out"
check_match "tail: then given up" "gone +\| failed: gave up reconnecting after [12]s" "$out"
check "tail: the others unaffected" "box1 | one
box1 | two
box2 | one
box2 | two" "$(printf '%s\n' "$out" | grep -E '^box[12] ' | sed 's/  *|/ |/' | sort -s -k1,1)"
check_match "tail: the summary names it" "failed: gone \(gave up" "$(cat "$T/gone.err")"

# A dropped connection (a relay killed and started again): the agent
# kept the output; it is resumed, nothing lost or repeated.
relay_start "$A1"
"$SBX" tail relayed box2 -- sh -c 'i=0; while [ $i -lt 60 ]; do i=$((i+1)); echo n $i; sleep 0.05; done' \
	>"$T/resumed" 2>&1 &
tp=$!
sleep 1
relay_stop
sleep 1
relay_start
wait $tp
rc=$?
relay_stop
check "tail across a dropped connection: exit 0" 0 $rc
check_match "tail: the drop said in place" "relayed \| disconnected: lost the connection" "$(cat "$T/resumed")"
check_match "tail: the return said" "relayed \| reconnected after [0-9.]+s" "$(cat "$T/resumed")"
check "tail: every line once, in order, across the drop" "$(seq 1 60 | sed 's/^/n /')" \
	"$(sed -n 's/^relayed | \(n [0-9]*\)$/\1/p' "$T/resumed")"
check "tail: the other one unaffected" "$(seq 1 60 | sed 's/^/n /')" \
	"$(sed -n 's/^box2    | //p' "$T/resumed")"

# An agent killed (SIGKILL) and started again: said, CMD run again there,
# the others unaffected.
"$SBX" tail --reconnect 10s box1 box2 box3 -- sh -c 'i=0; while [ $i -lt 40 ]; do i=$((i+1)); echo n $i; sleep 0.05; done' \
	>"$T/restart" 2>&1 &
tp=$!
sleep 0.7
kill -9 "$P2"
wait "$P2" 2>/dev/null
sleep 0.3
"$SBX_AGENT" --listen "$A2" 2>"$T/a2b.log" &
P2=$!
AGENT_PIDS="$AGENT_PIDS $P2"
wait $tp
rc=$?
check "tail across an agent restart: exit 0" 0 $rc
check_match "tail: the restart said in place" "box2 \| the agent restarted and the command with it; running it again" "$(cat "$T/restart")"
check "tail: after the restart, the command's lines from the start" "$(seq 1 40 | sed 's/^/n /')" \
	"$(sed -n '/box2 | the agent restarted/,$ s/^box2 | \(n [0-9]*\)$/\1/p' "$T/restart")"
for b in 1 3; do
	check "tail: box$b unaffected by box2's restart" "$(seq 1 40 | sed 's/^/n /')" \
		"$(sed -n "s/^box$b | //p" "$T/restart")"
done

# Ctrl-C: every remote command stopped, exit 130, nothing left running;
# one that ignores SIGINT is killed after the grace.
"$SBX" tail @three -- sh -c 'echo up; exec sleep 301 # tailmark1' >"$T/int" 2>&1 &
tp=$!
for _ in $(seq 200); do [ "$(alive_with '^sleep 301' | wc -l)" = 3 ] && break; sleep 0.05; done
check "tail: the three started" 3 "$(alive_with '^sleep 301' | wc -l)"
kill -INT $tp
wait $tp
check "tail after Ctrl-C: exit 130" 130 $?
wait_gone '^sleep 301'
check "tail after Ctrl-C: nothing left running" "" "$(alive_with '^sleep 301')"
"$SBX" tail box1 -- sh -c 'trap "" INT; echo up; while :; do sleep 0.1; done # tailmark2' >"$T/int2" 2>&1 &
tp=$!
for _ in $(seq 100); do grep -q up "$T/int2" && break; sleep 0.05; done
kill -INT $tp
wait $tp
check "tail: a command that ignores SIGINT: exit 130" 130 $?
check "tail: and it is killed" "" "$(alive_with '^sh -c trap.*tailmark2')"

# sbx killed outright: its sessions end once nobody returns (the reconnect
# window and 10 s after), so nothing is left behind for good.
"$SBX" tail --reconnect 1s box1 -- sh -c 'echo up; exec sleep 302' >"$T/k9" 2>&1 &
tp=$!
for _ in $(seq 100); do grep -q up "$T/k9" && break; sleep 0.05; done
kill -9 $tp
wait $tp 2>/dev/null
check "tail killed: its command still runs at first" 1 "$(alive_with '^sleep 302' | wc -l)"
for _ in $(seq 150); do [ -z "$(alive_with '^sleep 302')" ] && break; sleep 0.1; done
check "tail killed: its command ended by the agent within the linger" "" "$(alive_with '^sleep 302')"

# Bad input.
out=$("$SBX" tail box1 2>&1); rc=$?
check "tail without --: exit 125" 125 $rc
check_match "tail without --: says so" "give the command after --" "$out"
out=$("$SBX" tail box1 -- 2>&1); rc=$?
check_match "tail without CMD: says so" "missing CMD after --" "$out"
out=$("$SBX" tail -- echo 2>&1); rc=$?
check_match "tail without TARGET: says so" "missing TARGET" "$out"
out=$("$SBX" tail @nope -- echo 2>&1); rc=$?
check "tail @unknown: exit 125" 125 $rc
check_match "tail @unknown: names the known groups" 'unknown group "@nope"; known: @three' "$out"
out=$("$SBX" tail box1,,box2 -- echo 2>&1); rc=$?
check_match "tail a,,b: an empty name" 'empty sandbox name' "$out"

finish
