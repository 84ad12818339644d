#!/bin/sh
# check-docs.sh SRCDIR BUILDDIR: the man pages and shell completions must
# name every command and option the programs have.
#
# sbx's commands and options come from `sbx --list-commands` (the option
# table itself); sbx-agent's options from `sbx-agent --help`. Each must
# appear in the man page (sbx: inside the command's own section) and in
# the bash, zsh and fish completions; bash and fish completions are also
# run, and must offer each option. The scripts must parse (zsh and fish
# only where those shells are installed) and the man pages must build.
#
# Prints one line per failure and exits 1 if there was any, 0 otherwise.

if [ $# -ne 2 ]; then
	echo "usage: $0 SRCDIR BUILDDIR" >&2
	exit 2
fi
src=$1
build=$2
sbx=$build/src/cli/sbx
agent=$build/src/sbx-agent
man1=$src/man/sbx.1.scd
man8=$src/man/sbx-agent.8.scd
comp=$src/completions

passed=0
failed=0
fail()
{
	printf 'FAIL: %s\n' "$*"
	failed=$((failed + 1))
}
pass()
{
	passed=$((passed + 1))
}
# check DESCRIPTION COMMAND...: a check that passes when COMMAND does.
check()
{
	what=$1
	shift
	if "$@"; then pass; else fail "$what"; fi
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-docs.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

# has_opt FILE NAME: FILE names the long option --NAME (not a longer one).
has_opt()
{
	grep -Eq -- "--$2([^A-Za-z0-9_-]|\$)" "$1"
}
# has_fish_opt FILE NAME: a fish `complete` line declares long option NAME.
has_fish_opt()
{
	grep -Eq -- "(-l|--long-option|--long)[= ]+[\"']?$2([\"' ]|\$)" "$1"
}
# has_zsh_opt FILE NAME: an _arguments spec declares --NAME (as in
# '--NAME[...]', '--NAME=', {-x,--NAME}), not only an exclusion list.
has_zsh_opt()
{
	grep -Eq -- "--$2([]=+},[])" "$1"
}
# has_word FILE WORD
has_word()
{
	grep -Fqw -- "$2" "$1"
}
# man_section FILE HEADING: the lines of the scdoc section "HEADING" (a
# "# " or "## " heading) up to the next heading of the same or a higher level.
man_section()
{
	awk -v h="$2" '
		/^#+ / {
			level = index($0, " ") - 1
			title = substr($0, level + 2)
			if (on && level <= onlevel) on = 0
			if (title == h) { on = 1; onlevel = level; next }
		}
		on' "$1"
}

# bash_complete FILE LINE: runs the completion FILE registers for the
# line's first word with the cursor at the end of LINE; prints one
# candidate per line.
bash_complete()
{
	bash --norc --noprofile -c '
		file=$1 line=$2
		source "$file" || exit 1
		set -- $line
		spec=$(complete -p "$1" 2>/dev/null) || exit 1
		fn=${spec#*-F }
		fn=${fn%% *}
		COMP_LINE=$line
		COMP_POINT=${#line}
		read -r -a COMP_WORDS <<<"$line"
		[[ $line == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMPREPLY=()
		"$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}" 2>/dev/null
		printf "%s\n" "${COMPREPLY[@]}"
	' bash "$1" "$2" 2>/dev/null
}

# fish_complete FILE LINE: the same with fish, reading only FILE.
fish_complete()
{
	fish --no-config -c '
		set -g fish_complete_path (dirname $argv[1])
		source $argv[1]; or exit 1
		complete -C $argv[2] | string replace -r "\t.*" ""
	' "$1" "$2" 2>/dev/null
}

has_fish=
command -v fish >/dev/null 2>&1 && has_fish=1
has_zsh=
command -v zsh >/dev/null 2>&1 && has_zsh=1

# --- sbx ---------------------------------------------------------------

if ! "$sbx" --list-commands >"$tmp/sbx.list" 2>"$tmp/err"; then
	fail "cannot run $sbx --list-commands: $(head -n 1 "$tmp/err")"
fi
cmds=$(awk 'NF == 1 { print $1 }' "$tmp/sbx.list")
check "sbx --list-commands lists no command" [ -n "$cmds" ]

bash_top=$(bash_complete "$comp/sbx.bash" "sbx ")
[ -n "$has_fish" ] && fish_top=$(fish_complete "$comp/sbx.fish" "sbx ")

for cmd in $cmds; do
	check "man/sbx.1.scd has no section \"## $cmd\"" \
		grep -Eq "^## (sbx )?$cmd\$" "$man1"
	man_section "$man1" "$cmd" >"$tmp/man.$cmd"
	[ -s "$tmp/man.$cmd" ] || man_section "$man1" "sbx $cmd" >"$tmp/man.$cmd"
	check "completions/sbx.bash does not name command $cmd" has_word "$comp/sbx.bash" "$cmd"
	check "completions/_sbx does not name command $cmd" has_word "$comp/_sbx" "$cmd"
	check "completions/sbx.fish does not name command $cmd" has_word "$comp/sbx.fish" "$cmd"
	check "bash completion of 'sbx ' does not offer $cmd" \
		sh -c 'printf "%s\n" "$1" | grep -Fqx -- "$2"' sh "$bash_top" "$cmd"
	if [ -n "$has_fish" ]; then
		check "fish completion of 'sbx ' does not offer $cmd" \
			sh -c 'printf "%s\n" "$1" | grep -Fqx -- "$2"' sh "$fish_top" "$cmd"
	fi

	bash_opts=$(bash_complete "$comp/sbx.bash" "sbx $cmd --")
	[ -n "$has_fish" ] && fish_opts=$(fish_complete "$comp/sbx.fish" "sbx $cmd --")
	for opt in $(awk -v c="$cmd" 'NF == 2 && $1 == c { sub(/^--/, "", $2); print $2 }' "$tmp/sbx.list"); do
		check "man/sbx.1.scd, section $cmd, does not document --$opt" \
			has_opt "$tmp/man.$cmd" "$opt"
		check "completions/sbx.bash lacks --$opt" has_opt "$comp/sbx.bash" "$opt"
		check "completions/_sbx lacks --$opt" has_zsh_opt "$comp/_sbx" "$opt"
		check "completions/sbx.fish lacks --$opt (-l $opt)" has_fish_opt "$comp/sbx.fish" "$opt"
		check "bash completion of 'sbx $cmd --' does not offer --$opt" \
			sh -c 'printf "%s\n" "$1" | grep -Fqx -- "$2"' sh "$bash_opts" "--$opt"
		if [ -n "$has_fish" ]; then
			check "fish completion of 'sbx $cmd --' does not offer --$opt" \
				sh -c 'printf "%s\n" "$1" | grep -Fqx -- "$2"' sh "$fish_opts" "--$opt"
		fi
	done
done

# --- sbx-agent ---------------------------------------------------------

if ! "$agent" --help >"$tmp/agent.help" 2>"$tmp/err"; then
	fail "cannot run $agent --help: $(head -n 1 "$tmp/err")"
fi
agent_opts=$(grep -oE -- '--[a-z][a-z0-9-]*' "$tmp/agent.help" | sed 's/^--//' | sort -u)
check "sbx-agent --help lists no --option" [ -n "$agent_opts" ]
man_section "$man8" OPTIONS >"$tmp/man.agent"

bash_opts=$(bash_complete "$comp/sbx-agent.bash" "sbx-agent --")
[ -n "$has_fish" ] && fish_opts=$(fish_complete "$comp/sbx-agent.fish" "sbx-agent --")
for opt in $agent_opts; do
	check "man/sbx-agent.8.scd, section OPTIONS, does not document --$opt" \
		has_opt "$tmp/man.agent" "$opt"
	check "completions/sbx-agent.bash lacks --$opt" has_opt "$comp/sbx-agent.bash" "$opt"
	check "completions/_sbx-agent lacks --$opt" has_zsh_opt "$comp/_sbx-agent" "$opt"
	check "completions/sbx-agent.fish lacks --$opt (-l $opt)" \
		has_fish_opt "$comp/sbx-agent.fish" "$opt"
	check "bash completion of 'sbx-agent --' does not offer --$opt" \
		sh -c 'printf "%s\n" "$1" | grep -Fqx -- "$2"' sh "$bash_opts" "--$opt"
	if [ -n "$has_fish" ]; then
		check "fish completion of 'sbx-agent --' does not offer --$opt" \
			sh -c 'printf "%s\n" "$1" | grep -Fqx -- "$2"' sh "$fish_opts" "--$opt"
	fi
done

# --- syntax and man pages ----------------------------------------------

for f in sbx.bash sbx-agent.bash; do
	check "completions/$f: bash -n fails: $(bash -n "$comp/$f" 2>&1 | head -n 1)" \
		bash -n "$comp/$f"
done
if [ -n "$has_zsh" ]; then
	for f in _sbx _sbx-agent; do
		check "completions/$f: zsh -n fails: $(zsh -n "$comp/$f" 2>&1 | head -n 1)" \
			zsh -n "$comp/$f"
	done
else
	echo "SKIP: zsh not installed; completions/_sbx* not parsed"
fi
if [ -n "$has_fish" ]; then
	for f in sbx.fish sbx-agent.fish; do
		check "completions/$f: fish -n fails: $(fish -n "$comp/$f" 2>&1 | head -n 1)" \
			fish -n "$comp/$f"
	done
else
	echo "SKIP: fish not installed; completions/*.fish neither parsed nor run"
fi
if command -v scdoc >/dev/null 2>&1; then
	for f in "$man1" "$man8"; do
		check "${f#"$src"/}: scdoc fails: $(scdoc <"$f" 2>&1 >/dev/null | head -n 1)" \
			sh -c 'scdoc <"$1" >/dev/null 2>&1' sh "$f"
	done
else
	echo "SKIP: scdoc not installed; man pages not built"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
