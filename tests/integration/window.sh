#!/bin/bash
# Per-exec credit windows (window.c): one exec's unconsumed output or
# unread stdin holds up neither the agent's memory nor the connection's
# other execs, and nothing is lost when it resumes.
. "$(dirname "$0")/lib.sh"
start_agent a
out=$("$SBX_WINDOW" "$SOCK" 2>&1); rc=$?
echo "$out"
check "credit windows, both directions (window.c)" 0 $rc
check "the agent is left with no child" "" "$(ps -o pid= --ppid "$APID" || true)"
finish
