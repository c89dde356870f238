# SPDX-License-Identifier: GPL-2.0
# bash completion for sgate(8): commands, options per command, network
# devices, and the values of the options that have a fixed set.
#
# The commands and each command's options are read from the `--help` texts of
# the sgate being completed, so the completion cannot drift from the parser
# (user/help.cpp): the overview lists the commands under "Commands:", and
# every help text lists its options as lines starting "  --option".

# The commands of @1 (an sgate binary), one a line.
_sgate_commands()
{
	"$1" --help 2>/dev/null |
		sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p'
}

# The long options of @1's command @2 (overview if empty), one a line.
_sgate_options()
{
	local help
	if [ -n "$2" ]; then
		help=$("$1" "$2" --help 2>/dev/null)
	else
		help=$("$1" --help 2>/dev/null)
	fi
	printf '%s\n' "$help" | sed -n 's/^  \(--[a-z][a-z-]*\).*/\1/p' | sort -u
}

# The options of @1's command @2 that take a value: "  --option VALUE".
_sgate_valued_options()
{
	"$1" "$2" --help 2>/dev/null | sed -n 's/^  \(--[a-z][a-z-]*\) [A-Z].*/\1/p' | sort -u
}

# Whether @1's command @2 takes a device: its usage line names DEV.
_sgate_takes_device()
{
	"$1" "$2" --help 2>/dev/null | head -n 1 | grep -q ' \[\?DEV\]\?\( \|$\)'
}

# The network devices of this namespace.
_sgate_devices()
{
	if [ -d /sys/class/net ]; then
		(cd /sys/class/net && printf '%s\n' *)
	else
		ip -o link show 2>/dev/null | sed -n 's/^[0-9]*: \([^:@]*\).*/\1/p'
	fi
}

_sgate()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=""
	local prog=${COMP_WORDS[0]} command="" word i
	[ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()

	# The value of the option just typed.
	case $prev in
	--pin-root)
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		return
		;;
	--config)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return
		;;
	--xdp-mode)
		mapfile -t COMPREPLY < <(compgen -W 'auto native generic' -- "$cur")
		return
		;;
	--xdp-hook)
		mapfile -t COMPREPLY < <(compgen -W 'shared alone' -- "$cur")
		return
		;;
	--ports | --mss | --key-period | --watch)
		return # a number or a list only the operator knows
		;;
	esac

	# The command word: the first word that is neither an option nor the
	# value of --pin-root.
	local commands
	commands=$(_sgate_commands "$prog")
	for ((i = 1; i < COMP_CWORD; i++)); do
		word=${COMP_WORDS[i]}
		if [ "$word" = --pin-root ]; then
			i=$((i + 1))
		elif [[ $word != -* ]] && grep -qx -- "$word" <<<"$commands"; then
			command=$word
			break
		fi
	done

	# A command takes at most one device: once one is on the line, offer
	# the options.
	local device_given=0 valued
	if [ -n "$command" ]; then
		valued=$(_sgate_valued_options "$prog" "$command")
		for ((i = i + 1; i < COMP_CWORD; i++)); do
			word=${COMP_WORDS[i]}
			if grep -qx -- "$word" <<<"$valued"; then
				i=$((i + 1))
			elif [[ $word != -* ]]; then
				device_given=1
			fi
		done
	fi

	if [ -z "$command" ] && [[ $cur != -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
	elif [[ $cur != -* ]] && [ $device_given = 0 ] && _sgate_takes_device "$prog" "$command"; then
		mapfile -t COMPREPLY < <(compgen -W "$(_sgate_devices)" -- "$cur")
	else
		mapfile -t COMPREPLY < <(compgen -W "$(_sgate_options "$prog" "$command")" -- "$cur")
	fi
}

complete -F _sgate sgate
