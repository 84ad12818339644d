#!/bin/bash
# many-local.sh: the commands that run on many, over real local sandboxes
# (sbx up): --all finds them, grep searches each one's disk at /mnt/data
# by default, and exec and tail run inside each. RUNDIR and DATADIR are
# private to this run.
. "$(dirname "$0")/lib.sh"

skip() {
	echo "SKIP: $*"
	exit 77
}
command -v bwrap >/dev/null || skip "bwrap not installed (apt-get install bubblewrap)"
[ "$(id -u)" -eq 0 ] || skip "needs root: sandboxes are made by bwrap as root here"
if ! why=$(bwrap --ro-bind / / --dev /dev --proc /proc --unshare-pid --unshare-net --unshare-ipc \
	--unshare-uts --as-pid-1 true 2>&1); then
	skip "bwrap cannot make namespaces here: $why"
fi

export XDG_RUNTIME_DIR=$T/run XDG_DATA_HOME=$T/data XDG_CONFIG_HOME=$T/cfg
mkdir -p "$XDG_RUNTIME_DIR"
DISKS=$XDG_DATA_HOME/sbx/disks
trap '"$SBX" down --all >/dev/null 2>&1; cleanup' EXIT

out=$("$SBX" exec --all true 2>&1); rc=$?
check "exec --all with no sandbox: exit 125" 125 $rc
check_match "exec --all with no sandbox: says how to start one" "no local sandbox runs \('sbx up NAME' starts one\)" "$out"

for n in 1 2 3; do
	"$SBX" up "m$n" >/dev/null || { echo "sbx up m$n failed"; exit 1; }
	seq $((n * 100)) >"$DISKS/m$n/nums.txt"
done

# Map and reduce: each counts its own disk's words; the sum is ours.
sum=$("$SBX" exec --all --json sh -c 'cat /mnt/data/*.txt | wc -w' | jq -s 'map(.stdout | tonumber) | add')
check "exec --all --json: a map-reduce over three sandboxes" 600 "$sum"
out=$("$SBX" exec --all hostname 2>/dev/null)
check "exec --all: each ran in its own sandbox" "==> m1 <== exit 0
==> m2 <== exit 0
==> m3 <== exit 0
m1
m2
m3" "$(printf '%s\n' "$out" | sed 's/, [0-9.]*s$//' | grep . | sort)"

# grep: in /mnt/data unless told otherwise.
out=$("$SBX" grep -n '^200$' --all | sort)
check "grep --all: each one's disk at /mnt/data" "m2:nums.txt:200:200
m3:nums.txt:200:200" "$out"
out=$("$SBX" grep -c . nums.txt m1,m3 | sort)
check "grep -c PATH on two by name" "m1:nums.txt:100
m3:nums.txt:300" "$out"

# tail: by name and with --all.
out=$("$SBX" tail --all -- tail -n 1 nums.txt | sort)
check "tail --all -- tail -n 1" "m1 | 100
m2 | 200
m3 | 300" "$out"

# sbx ui with no TARGET: a pane on every local sandbox, each its shell.
if command -v tmux >/dev/null; then
	TM="tmux -L sbx-many-$$ -f /dev/null"
	$TM new-session -d -s hold 'sleep 600'
	$TM new-session -d -s ui -x 120 -y 30 "$SBX ui; sleep 60"
	for _ in $(seq 100); do
		[ "$($TM capture-pane -p -t ui | grep -o 'm[123] \[running\]' | wc -l)" = 3 ] && break
		sleep 0.1
	done
	check "sbx ui: a running pane on each of the three local sandboxes" 3 \
		"$($TM capture-pane -p -t ui | grep -o 'm[123] \[running\]' | wc -l)"
	$TM send-keys -t ui 'hostname' Enter
	sleep 0.5
	check_match "sbx ui: the first pane's shell is in its sandbox" '^m1 *│' "$($TM capture-pane -p -t ui)"
	$TM send-keys -t ui C-a d
	sleep 0.5
	$TM kill-server
fi

# A stopped one among them is counted as failed, not the end of the run.
"$SBX" down m2 >/dev/null
out=$("$SBX" exec m1,m2,m3 true 2>&1); rc=$?
check "exec on three, one of them stopped: exit 1" 1 $rc
check_match "exec: the stopped one named" "m2 +failed .*unknown sandbox \"m2\"" "$out"

finish
