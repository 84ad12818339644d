# bash completion for sbx(1)                                -*- shell-script -*-
# Installed as bash-completion/completions/sbx. Works without the
# bash-completion package too: source it from ~/.bashrc.

# Words of the line up to the cursor, split on blanks only, so that
# "unix:/path" and "--token-file=FILE" stay one word whatever
# COMP_WORDBREAKS holds. Sets _sbx_words and _sbx_cur.
_sbx_split()
{
	local line=${COMP_LINE:0:COMP_POINT}
	read -r -a _sbx_words <<<"$line"
	if [[ -z $line || $line == *[[:blank:]] ]]; then
		_sbx_words+=("")
	fi
	_sbx_cur=${_sbx_words[${#_sbx_words[@]}-1]}
}

# Readline replaces only the text after the last COMP_WORDBREAKS character
# (":" and "=" by default): drop that much from every candidate.
_sbx_trim()
{
	local cur=$1 pfx="" i c
	for ((i = ${#cur} - 1; i >= 0; i--)); do
		c=${cur:i:1}
		if [[ $c == [:=] && $COMP_WORDBREAKS == *"$c"* ]]; then
			pfx=${cur:0:i+1}
			break
		fi
	done
	[[ -n $pfx ]] || return 0
	for i in "${!COMPREPLY[@]}"; do
		COMPREPLY[i]=${COMPREPLY[i]#"$pfx"}
	done
}

# Paths under $1 for which test $2 holds, directories always (with "/").
_sbx_paths()
{
	local f
	while IFS= read -r f; do
		if [[ -d $f ]]; then
			printf '%s/\n' "$f"
		elif [[ -z $2 ]] || test "$2" "$f"; then
			printf '%s\n' "$f"
		fi
	done < <(compgen -f -- "$1")
}

# True when option word $1 takes the next word as its argument: one of
# the long options below, or -w, -e or -u, alone or ending a cluster of
# flags (-iw, -itu).
_sbx_takes_arg()
{
	case $1 in
	--token-file | --ca-file | --keepalive | --mount | --workdir | --user | --env | --env-file | --timeout | --kill-grace | \
		--output-limit | --detach-keys | --reconnect | --session | --record | --prefix | \
		--stdin-file | --stdin-data | --rlimit | --rows | --cols | --parallel | --color)
		return 0
		;;
	esac
	[[ $1 =~ ^-[iht]*[weu]$ ]]
}

# Candidates, one per line on stdin, into COMPREPLY with prefix $1.
_sbx_add()
{
	local w
	while IFS= read -r w; do
		COMPREPLY+=("$1$w")
	done
}

# --rlimit NAME=SOFT[:HARD]: the 16 names with "=", then "unlimited".
_sbx_rlimits()
{
	local cur=$1 pfx=$2
	local names="cpu fsize data stack core rss nproc nofile memlock as locks
		sigpending msgqueue nice rtprio rttime"
	if [[ $cur == *=* ]]; then
		# SOFT, or HARD after "SOFT:": a number, or "unlimited".
		local val=${cur#*=}
		if [[ $val == *:* ]]; then
			pfx+=${cur%:*}: val=${val##*:}
		else
			pfx+=${cur%%=*}=
		fi
		_sbx_add "$pfx" < <(compgen -W unlimited -- "$val")
	else
		_sbx_add "$pfx" < <(compgen -W "$names" -S = -- "$cur")
	fi
}

# TARGET for $1; with $2 ("many"), also @groups, and the next of a list
# joined with commas (box1,box2,@web).
_sbx_targets()
{
	local cur=$1 many=$2 pfx="" names
	if [[ -n $many && $cur == *,* ]]; then
		pfx=${cur%,*},
		cur=${cur##*,}
	fi
	case $cur in
	unix:*)
		_sbx_add "${pfx}unix:" < <(_sbx_paths "${cur#unix:}" -S)
		;;
	*)
		# sandbox names (local, configured), then URL schemes
		names=$(sbx --list-targets 2>/dev/null)
		[[ -n $many ]] || names=$(grep -v '^@' <<<"$names")
		_sbx_add "$pfx" < <(compgen -W "$names unix: ws:// wss://" -- "$cur")
		;;
	esac
}

# The value of an option of exec, shell, attach or tail: the word after
# one ($prev), or what follows "--opt=" in $cur. 0 when $cur is such a
# value (COMPREPLY then holds the candidates, if any), 1 otherwise.
_sbx_value()
{
	if [[ $prev == --workdir || $prev =~ ^-[iht]*w$ ]]; then
		_sbx_add "" < <(_sbx_paths "$cur" -d)
		files=1
	elif [[ $prev == --env || $prev =~ ^-[iht]*e$ ]]; then
		# NAME=VALUE, or NAME alone to pass ours: offer our names.
		mapfile -t COMPREPLY < <(compgen -e -- "$cur")
		compopt -o nospace 2>/dev/null
	elif [[ $prev == --color ]]; then
		mapfile -t COMPREPLY < <(compgen -W "auto always never" -- "$cur")
	elif [[ $prev == --timeout || $prev == --kill-grace || $prev == --stdin-data ||
		$prev == --rows || $prev == --cols || $prev == --keepalive || $prev == --mount ||
		$prev == --detach-keys || $prev == --reconnect || $prev == --session ||
		$prev == --parallel ]]; then
		: # a DURATION, a STRING, KEYS or a number: nothing to offer
	elif [[ $prev == --rlimit ]]; then
		_sbx_rlimits "$cur" ""
	elif _sbx_takes_arg "$prev"; then
		_sbx_add "" < <(_sbx_paths "$cur")
		files=1
	elif [[ $cur == --workdir=* ]]; then
		_sbx_add "--workdir=" < <(_sbx_paths "${cur#*=}" -d)
		files=1
	elif [[ $cur == --env=* ]]; then
		_sbx_add "--env=" < <(compgen -e -- "${cur#*=}")
	elif [[ $cur == --color=* ]]; then
		_sbx_add "--color=" < <(compgen -W "auto always never" -- "${cur#*=}")
	elif [[ $cur == --timeout=* || $cur == --kill-grace=* || $cur == --stdin-data=* ||
		$cur == --rows=* || $cur == --cols=* || $cur == --keepalive=* || $cur == --mount=* ||
		$cur == --detach-keys=* || $cur == --reconnect=* || $cur == --session=* ||
		$cur == --parallel=* ]]; then
		:
	elif [[ $cur == --rlimit=* ]]; then
		_sbx_rlimits "${cur#*=}" "--rlimit="
	elif [[ $cur == --token-file=* || $cur == --ca-file=* || $cur == --env-file=* ||
		$cur == --stdin-file=* || $cur == --record=* ]]; then
		_sbx_add "${cur%%=*}=" < <(_sbx_paths "${cur#*=}")
		files=1
	else
		return 1
	fi
	return 0
}

# After a "--" (tail, ui --tail) come CMD and its arguments: completes
# them and returns 0; 1 when no "--" comes before the word.
_sbx_after_dashes()
{
	local i w dd=0
	for ((i = 2; i < n - 1; i++)); do
		w=${_sbx_words[i]}
		if [[ $w == -- ]]; then
			dd=$i
			break
		fi
		_sbx_takes_arg "$w" && ((i++))
	done
	((dd)) || return 1
	if ((dd == n - 2)); then
		mapfile -t COMPREPLY < <(compgen -c -- "$cur")
	else
		_sbx_add "" < <(_sbx_paths "$cur")
		files=1
	fi
}

# sbx tail [OPTIONS] TARGET... -- CMD [ARG...]: options and targets up to
# the "--", then CMD and its arguments.
_sbx_tail()
{
	local opts="--all --color --timestamps --json --reconnect --workdir -w --env -e --env-file --user -u
		--timeout --token-file --ca-file --keepalive --help -h"
	if _sbx_after_dashes; then
		:
	elif _sbx_value; then
		:
	elif [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
	else
		_sbx_targets "$cur" many
		[[ $cur == unix:* || $cur == *,unix:* ]] && files=1
	fi
}

# sbx ui [OPTIONS] [TARGET...] | --tail TARGET... -- CMD | --resume:
# options and targets up to the "--", then CMD and its arguments.
# --session takes TARGET:N: a sandbox's name, then the session's number.
_sbx_ui()
{
	local opts="--all --tail --session --resume --prefix --token-file --ca-file --help -h"
	if _sbx_after_dashes; then
		:
	elif [[ $prev == --session || $cur == --session=* ]]; then
		# TARGET, then ":" and a number that only 'sbx ps' knows
		local pfx="" val=$cur
		[[ $prev == --session ]] || pfx=--session= val=${cur#*=}
		[[ $val == *:* ]] ||
			_sbx_add "$pfx" < <(compgen -S : -W "$(sbx --list-targets 2>/dev/null | grep -v '^@')" -- "$val")
	elif [[ $prev == --prefix || $cur == --prefix=* ]]; then
		: # one KEY: nothing to offer
	elif _sbx_value; then
		:
	elif [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
	else
		_sbx_targets "$cur" many
		[[ $cur == unix:* || $cur == *,unix:* ]] && files=1
	fi
}

# sbx grep [OPTIONS] PATTERN [PATH...] TARGET...: options anywhere (not
# after "--"); PATTERN first, unless -e gave it; then PATHs, which are the
# sandboxes', and TARGETs.
_sbx_grep()
{
	local opts="--ignore-case -i --extended-regexp -E --fixed-strings -F --word-regexp -w
		--files-with-matches -l --count -c --line-number -n --max-count --include --regexp -e
		--root --all --color --json --token-file --ca-file --help -h" i w dd="" pat="" ops=0
	for ((i = 2; i < n - 1; i++)); do
		w=${_sbx_words[i]}
		if [[ -n $dd || $w != -* ]]; then
			((ops++))
			continue
		fi
		case $w in
		--) dd=1 ;;
		--regexp)
			pat=1
			((i++))
			;;
		--regexp=*) pat=1 ;;
		--max-count | --include | --root | --color | --token-file | --ca-file) ((i++)) ;;
		--*) ;;
		*) [[ $w =~ ^-[iEFwlcn]*e$ ]] && pat=1 && ((i++)) ;;
		esac
	done
	if [[ -z $dd && ($prev == --max-count || $prev == --include || $prev == --regexp ||
		$prev =~ ^-[iEFwlcn]*e$) ]]; then
		: # a number, a GLOB, a PATTERN
	elif [[ -z $dd && $prev == --root ]]; then
		_sbx_add "" < <(_sbx_paths "$cur" -d)
		files=1
	elif [[ -z $dd && $prev == --color ]]; then
		mapfile -t COMPREPLY < <(compgen -W "auto always never" -- "$cur")
	elif [[ -z $dd && ($prev == --token-file || $prev == --ca-file) ]]; then
		_sbx_add "" < <(_sbx_paths "$cur")
		files=1
	elif [[ -z $dd && $cur == --color=* ]]; then
		_sbx_add "--color=" < <(compgen -W "auto always never" -- "${cur#*=}")
	elif [[ -z $dd && ($cur == --token-file=* || $cur == --ca-file=* || $cur == --root=*) ]]; then
		_sbx_add "${cur%%=*}=" < <(_sbx_paths "${cur#*=}")
		files=1
	elif [[ -z $dd && $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
	elif ((ops > 0)) || [[ -n $pat ]]; then
		# a PATH or a TARGET: only the targets can be known here
		_sbx_targets "$cur" many
		[[ $cur == unix:* || $cur == *,unix:* ]] && files=1
	fi
}

# sbx ps|kill [OPTIONS] TARGET [EXEC...]: options, then TARGET; then exec
# numbers, which only 'sbx ps' knows.
_sbx_admin()
{
	local opts="--token-file --ca-file --help -h" i w seen=""
	[[ $1 == ps ]] && opts="--json $opts"
	[[ $1 == kill ]] && opts="--signal -s $opts"
	for ((i = 2; i < n - 1; i++)); do
		w=${_sbx_words[i]}
		case $w in
		--token-file | --ca-file | --signal | -s) ((i++)) ;;
		-*) ;;
		*) seen=1 ;;
		esac
	done
	if [[ $prev == --token-file || $prev == --ca-file ]]; then
		_sbx_add "" < <(_sbx_paths "$cur")
		files=1
	elif [[ $prev == --signal || $prev == -s ]]; then
		mapfile -t COMPREPLY < <(compgen -W "KILL TERM INT HUP QUIT USR1 USR2 STOP CONT" -- "$cur")
	elif [[ -n $seen ]]; then
		:
	elif [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
	else
		_sbx_targets "$cur"
		[[ $cur == unix:* ]] && files=1
	fi
}

# Local sandboxes (sbx up): NAME.state and NAME.d in RUNDIR.
_sbx_local_names()
{
	local dir f
	if [[ $XDG_RUNTIME_DIR == /* ]]; then
		dir=$XDG_RUNTIME_DIR/sbx
	elif ((EUID == 0)); then
		dir=/run/sbx
	else
		dir=/tmp/sbx-$EUID
	fi
	for f in "$dir"/*.state "$dir"/*.d; do
		[[ -e $f ]] || continue
		f=${f##*/}
		printf '%s\n' "${f%.*}"
	done | sort -u
}

# sbx up NAME [OPTIONS], sbx ls [--json], sbx down NAME...|--all
_sbx_local()
{
	local opts
	case $1 in
	up) opts="--disk --net --memory --pids --help -h" ;;
	ls) opts="--json --help -h" ;;
	down) opts="--all --help -h" ;;
	esac
	if [[ $1 == up && $prev == --disk ]]; then
		_sbx_add "" < <(_sbx_paths "$cur" -d)
		files=1
	elif [[ $1 == up && $prev == --net ]]; then
		mapfile -t COMPREPLY < <(compgen -W "none host" -- "$cur")
	elif [[ $1 == up && ($prev == --memory || $prev == --pids) ]]; then
		:
	elif [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
	elif [[ $1 != ls ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$(_sbx_local_names)" -- "$cur")
	fi
}

# No space after "unix:", "ws://", "--token-file=", "--ca-file=", an
# rlimit "NAME=" or a directory; readline's word breaks undone.
_sbx_finish()
{
	local w
	for w in "${COMPREPLY[@]}"; do
		if [[ $w == *[/:=] ]]; then
			compopt -o nospace 2>/dev/null
			break
		fi
	done
	_sbx_trim "$cur"
	[[ -n $files ]] && compopt -o filenames 2>/dev/null
	return 0
}

_sbx()
{
	local -a _sbx_words
	local _sbx_cur cur prev cmd opts i n w target="" ti=0 ncmd=0 files="" session="" all=""
	local commands="exec shell attach ps kill up ls down tail grep ui help"
	local top_opts="--help -h --version -V --list-commands --list-targets"
	# sbx exec and sbx shell share one option table; sbx attach has its own.
	local exec_opts="--interactive -i --tty -t --rows --cols --stdin-file --stdin-data --user -u --workdir -w --env -e
		--env-file --timeout --kill-grace --mount --rlimit --output-limit --json --time --token-file --ca-file --keepalive
		--detach-keys --reconnect --all --parallel --stream --color --help -h"
	local attach_opts="--session --read-only --detach-keys --record --reconnect --workdir -w --env -e --env-file
		--user -u --mount --token-file --ca-file --keepalive --help -h"

	_sbx_split
	cur=$_sbx_cur
	n=${#_sbx_words[@]}
	prev=""
	((n > 1)) && prev=${_sbx_words[n - 2]}
	COMPREPLY=()

	if ((n <= 2)); then
		mapfile -t COMPREPLY < <(compgen -W "$commands $top_opts" -- "$cur")
		return 0
	fi
	cmd=${_sbx_words[1]}
	case $cmd in
	help | -h | --help)
		((n == 3)) && mapfile -t COMPREPLY < <(compgen -W "exec shell attach ps kill up ls down tail grep ui" -- "$cur")
		return 0
		;;
	ps | kill)
		_sbx_admin "$cmd"
		_sbx_finish
		return 0
		;;
	up | ls | down)
		_sbx_local "$cmd"
		_sbx_finish
		return 0
		;;
	tail)
		_sbx_tail
		_sbx_finish
		return 0
		;;
	grep)
		_sbx_grep
		_sbx_finish
		return 0
		;;
	ui)
		_sbx_ui
		_sbx_finish
		return 0
		;;
	exec | shell) opts=$exec_opts ;;
	attach) opts=$attach_opts ;;
	*) return 0 ;;
	esac

	# TARGET is the first operand; options come only before it, and a
	# "--" right after it is dropped. With --all (exec, shell) there is
	# no TARGET: the first operand is CMD.
	for ((i = 2; i < n - 1; i++)); do
		w=${_sbx_words[i]}
		if [[ -z $target ]]; then
			case $w in
			-*)
				[[ $w == --session || $w == --session=* ]] && session=1
				[[ $w == --all && $cmd != attach ]] && all=1
				_sbx_takes_arg "$w" && ((i++))
				;;
			*)
				if [[ -n $all ]]; then
					target=--all ti=$((i - 1)) ncmd=1
				else
					target=$w ti=$i
				fi
				;;
			esac
		elif ((i != ti + 1)) || [[ $w != -- ]]; then
			((ncmd++))
		fi
	done

	if [[ -z $target ]]; then
		if _sbx_value; then
			:
		elif [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
		elif [[ -n $all ]]; then
			# sbx exec --all CMD; sbx shell --all takes a SCRIPT.
			[[ $cmd == exec ]] && mapfile -t COMPREPLY < <(compgen -c -- "$cur")
		elif [[ $cmd == attach ]]; then
			_sbx_targets "$cur"
			[[ $cur == unix:* ]] && files=1
		else
			_sbx_targets "$cur" many
			[[ $cur == unix:* || $cur == *,unix:* ]] && files=1
		fi
	elif [[ $cmd == exec || ($cmd == attach && -z $session) ]]; then
		# CMD runs remotely; local names are the best guess there is.
		# (attach --session N takes no CMD.)
		if ((ncmd == 0)); then
			mapfile -t COMPREPLY < <(compgen -c -- "$cur")
		else
			_sbx_add "" < <(_sbx_paths "$cur")
			files=1
		fi
	fi

	_sbx_finish
}

complete -F _sbx sbx
