#!/bin/bash
# Exit status is the remote command's; 128+N for a signal; 127/126 when
# it cannot run; 125 for sbx's own errors.
. "$(dirname "$0")/lib.sh"
start_agent a

"$SBX" exec "$SOCK" true; check "exit 0" 0 $?
"$SBX" exec "$SOCK" false; check "exit 1" 1 $?
"$SBX" exec "$SOCK" sh -c 'exit 42'; check "exit 42" 42 $?
"$SBX" shell "$SOCK" 'exit 42'; check "shell exit 42" 42 $?
"$SBX" exec "$SOCK" -- sh -c 'exit 3'; check "-- before CMD" 3 $?
"$SBX" exec "$SOCK" sh -c 'kill -9 $$'; check "kill -9 gives 137" 137 $?
"$SBX" exec "$SOCK" sh -c 'kill -TERM $$'; check "SIGTERM gives 143" 143 $?

msg=$("$SBX" exec "$SOCK" no-such-command-xyz 2>&1); rc=$?
check "missing command gives 127" 127 $rc
check_match "missing command is named" "no-such-command-xyz.*not found" "$msg"

printf 'echo hi\n' >"$T/noexec.sh"
chmod 644 "$T/noexec.sh"
msg=$("$SBX" exec "$SOCK" "$T/noexec.sh" 2>&1); rc=$?
check "not executable gives 126" 126 $rc
check_match "not executable is named" "noexec.sh.*(Permission denied|cannot execute)" "$msg"

msg=$("$SBX" exec unix:"$T/none.sock" true 2>&1); rc=$?
check "no agent gives 125" 125 $rc
check_match "no agent message" "^sbx: cannot connect to unix:.*none.sock: No such file or directory \(is sbx-agent running\?\)$" "$msg"

msg=$("$SBX" exec --bogus "$SOCK" true 2>&1); rc=$?
check "bad flag gives 125" 125 $rc
check_match "bad flag is named" "unknown option --bogus" "$msg"
bad() { out=$("$SBX" "$@" 2>&1); echo "$out rc=$?"; }
check_match "an unknown short option inside a cluster is named" "unknown option -z .* rc=125" "$(bad exec -iz "$SOCK" true)"
check_match "a long option without its argument" "option --workdir needs an argument .* rc=125" "$(bad exec --workdir)"
check_match "a long-only option without its argument" "option --timeout needs an argument .* rc=125" "$(bad exec --timeout)"
check_match "a short option without its argument" "option -s needs an argument .* rc=125" "$(bad kill -s)"
check_match "a flag given an argument" "option --json takes no argument .* rc=125" "$(bad exec --json=1 "$SOCK" true)"
check_match "every command names bad options" "^sbx: ls: unknown option -x " "$(bad ls -x)"

msg=$("$SBX" exec "$SOCK" 2>&1); rc=$?
check "missing CMD gives 125" 125 $rc
check_match "missing CMD says so" "missing CMD" "$msg"

msg=$("$SBX" exec "http://x" true 2>&1); rc=$?
check "bad target gives 125" 125 $rc
check_match "bad target explained" "ws://HOST:PORT" "$msg"

msg=$("$SBX" exec ws://127.0.0.1:1 true 2>&1); rc=$?
check "refused TCP gives 125" 125 $rc
check_match "refused TCP explained" "Connection refused" "$msg"
finish
