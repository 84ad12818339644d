#!/bin/sh
# run-fuzz.sh [SECONDS]: fuzz the protocol decoders for SECONDS (default 60).
# Sets up a clang build with -Dfuzz=true in build-fuzz/ beside the sources
# (or in $FUZZ_BUILD), fuzzes from a scratch copy of the seed corpus so the
# checked-in one stays small, and prints libFuzzer's final figures. Exits
# non-zero if the fuzzer found a crash; the input is kept under the build
# dir's fuzz-artifacts/ to replay with: fuzz_decode FILE.
set -eu

secs=${1:-60}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${FUZZ_BUILD:-$root/build-fuzz}

if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" "$root" -Dfuzz=true
else
	meson configure "$build" -Dfuzz=true
fi
ninja -C "$build"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
mkdir "$work/corpus"
cp "$here"/corpus/* "$work/corpus/"
artifacts=$build/fuzz-artifacts
mkdir -p "$artifacts"

rc=0
"$build/tests/fuzz/fuzz_decode" -max_total_time="$secs" -print_final_stats=1 \
	-dict="$here/decode.dict" -artifact_prefix="$artifacts/" \
	"$work/corpus" >"$work/log" 2>&1 || rc=$?

# The last status line (executions, coverage, corpus) and the totals.
grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$work/log" | tail -n 1
grep -E '^(Done [0-9]+ runs|stat::)' "$work/log" || true
if [ "$rc" -ne 0 ]; then
	grep -E 'ERROR|SUMMARY|fuzz_decode:|Test unit written' "$work/log" || tail -n 40 "$work/log"
	echo "run-fuzz: the fuzzer failed (exit $rc); inputs are in $artifacts" >&2
	exit "$rc"
fi
echo "run-fuzz: no crash in $secs s"
