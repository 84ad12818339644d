#!/bin/bash
# sbx ps and sbx kill: another client's commands, listed and signalled by
# their agent-wide numbers; names and numbers of signals; the errors.
. "$(dirname "$0")/lib.sh"
start_agent a

"$SBX" exec "$SOCK" sleep 1005 >"$T/a.out" 2>&1 & a=$!
"$SBX" exec --json "$SOCK" sh -c 'trap "echo got-term; exit 7" TERM; sleep 1006 & wait' >"$T/b.json" 2>&1 & b=$!
curl -s --unix-socket "${SOCK#unix:}" http://sbx/v1/exec -d '{"cmd":"sleep","args":["1007"]}' >"$T/c.json" & c=$!
for _ in $(seq 50); do [ "$("$SBX" ps "$SOCK" | wc -l)" -ge 4 ] && break; sleep 0.1; done

table=$("$SBX" ps "$SOCK")
check "ps: a header and three commands" 4 "$(printf '%s\n' "$table" | wc -l)"
check_match "ps: the header" '^EXEC +PID +VIA +TTY +AGE +SIZE +ATT +STATE +COMMAND$' "$(printf '%s\n' "$table" | head -n1)"
check_match "ps: a command of another client, with its arguments" ' ws .* sleep 1005$' "$table"
check_match "ps: one from POST /v1/exec" ' http .* sleep 1007$' "$table"
json=$("$SBX" ps --json "$SOCK")
check "ps --json: one object per command" 3 "$(printf '%s\n' "$json" | jq -s length)"
check "ps TARGET --json: an option after TARGET is taken too" 3 "$("$SBX" ps "$SOCK" --json | jq -s length)"
na=$(printf '%s\n' "$json" | jq 'select(.args == ["1005"]) | .exec')
nb=$(jq -r 'select(.event == "started") | .exec' "$T/b.json")
nc=$(printf '%s\n' "$json" | jq 'select(.via == "http") | .exec')
check "exec --json's started event gives the number ps shows" 1 \
	"$(printf '%s\n' "$json" | jq --argjson n "$nb" 'select(.exec == $n)' | jq -s length)"
check "ps --json: pid and start time" true \
	"$(printf '%s\n' "$json" | jq -s 'all(.pid > 0 and .started_at_ms > 1700000000000)')"

"$SBX" kill "$SOCK" "$na"; rc=$?
check "kill: exit 0" 0 $rc
wait $a; rc=$?
check "kill: the other client sees its command die of SIGKILL (137)" 137 $rc
"$SBX" kill --signal term "$SOCK" "$nb"; rc=$?
wait $b; brc=$?
check "kill --signal term: exit 0, the command's trap ran" "0 7" "$rc $brc"
check "and its output came through" got-term "$(jq -r 'select(.event == "stdout") | .data' "$T/b.json" | tr -d '\n')"
"$SBX" kill -s 15 "$SOCK" "$nc"; rc=$?
wait $c
check "kill -s 15 of an HTTP command: its caller gets signal TERM" '0 "TERM"' "$rc $(jq .signal "$T/c.json")"
check "nothing left running" "" "$("$SBX" ps "$SOCK" | tail -n +2)"

msg=$("$SBX" kill "$SOCK" 424242 2>&1); rc=$?
check "kill of a number that is not running: exit 1" 1 $rc
check_match "and says so, pointing at sbx ps" "kill: 424242: no exec numbered 424242 runs on this agent \(see 'sbx ps " "$msg"
msg=$("$SBX" kill "$SOCK" abc 2>&1); rc=$?
check "kill of a word: exit 125" 125 $rc
check_match "names it" '"abc" is not an exec number' "$msg"
msg=$("$SBX" kill -s NOPE "$SOCK" 1 2>&1); rc=$?
check "an unknown signal: exit 125" 125 $rc
check_match "names it" 'unknown signal "NOPE"' "$msg"
msg=$("$SBX" kill "$SOCK" 2>&1); rc=$?
check "kill without EXEC: exit 125" 125 $rc
msg=$("$SBX" ps unix:"$T"/none.sock 2>&1); rc=$?
check "ps of no agent: exit 125" 125 $rc
check_match "says why" 'cannot connect to unix:.*none.sock' "$msg"
finish
