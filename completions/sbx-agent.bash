# bash completion for sbx-agent(8)                          -*- shell-script -*-
# Installed as bash-completion/completions/sbx-agent. Works without the
# bash-completion package too: source it from ~/.bashrc.

# Words of the line up to the cursor, split on blanks only (see sbx.bash).
_sbx_agent_split()
{
	local line=${COMP_LINE:0:COMP_POINT}
	read -r -a _sbx_agent_words <<<"$line"
	if [[ -z $line || $line == *[[:blank:]] ]]; then
		_sbx_agent_words+=("")
	fi
}

# Paths under $1 for which test $2 holds, directories always (with "/").
_sbx_agent_paths()
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

_sbx_agent()
{
	local -a _sbx_agent_words
	local cur prev n w i c pfx="" files="" opt="" arg
	local opts="--listen -l --token-file -t --tls-cert --tls-key --keepalive --workdir -w --disk --drop-caps --seal --verbose -v --help -h --version -V"

	_sbx_agent_split
	n=${#_sbx_agent_words[@]}
	cur=${_sbx_agent_words[n - 1]}
	prev=""
	((n > 1)) && prev=${_sbx_agent_words[n - 2]}
	COMPREPLY=()

	case $prev in
	--listen | -l) opt=listen arg=$cur ;;
	--token-file | -t | --tls-cert | --tls-key) opt=file arg=$cur ;;
	esac
	case $cur in
	--listen=*) opt=listen pfx=--listen= arg=${cur#--listen=} ;;
	--token-file=* | --tls-cert=* | --tls-key=*) opt=file pfx=${cur%%=*}= arg=${cur#*=} ;;
	esac

	case $opt in
	listen)
		if [[ $arg == unix:* ]]; then
			while IFS= read -r w; do
				COMPREPLY+=("${pfx}unix:$w")
			done < <(_sbx_agent_paths "${arg#unix:}" -S)
			files=1
		else
			mapfile -t COMPREPLY < <(compgen -P "$pfx" -W 'unix: 127.0.0.1: [::1]: 0.0.0.0: localhost:' -- "$arg")
		fi
		;;
	file)
		while IFS= read -r w; do
			COMPREPLY+=("$pfx$w")
		done < <(_sbx_agent_paths "$arg")
		files=1
		;;
	*)
		[[ $cur == -* ]] && mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
		;;
	esac

	# No space after "unix:", "HOST:", "--listen=" or a directory.
	for w in "${COMPREPLY[@]}"; do
		if [[ $w == *[/:=] ]]; then
			compopt -o nospace 2>/dev/null
			break
		fi
	done
	# Readline replaces only the text after the last COMP_WORDBREAKS
	# character (":" and "=" by default).
	pfx=""
	for ((i = ${#cur} - 1; i >= 0; i--)); do
		c=${cur:i:1}
		if [[ $c == [:=] && $COMP_WORDBREAKS == *"$c"* ]]; then
			pfx=${cur:0:i+1}
			break
		fi
	done
	if [[ -n $pfx ]]; then
		for i in "${!COMPREPLY[@]}"; do
			COMPREPLY[i]=${COMPREPLY[i]#"$pfx"}
		done
	fi
	[[ -n $files ]] && compopt -o filenames 2>/dev/null
	return 0
}

complete -F _sbx_agent sbx-agent
