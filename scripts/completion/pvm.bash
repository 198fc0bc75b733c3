# bash completion for pvm                                  -*- shell-script -*-
# Installed as /usr/share/bash-completion/completions/pvm.

_pvm_vms()
{
	pvm list 2>/dev/null | awk 'NR > 1 { print $1 }'
}

_pvm()
{
	local cur prev words cword
	_init_completion || return

	local verbs="run check list stop pause resume stat hotplug hvpipe version help"
	if [[ $cword -eq 1 ]]; then
		COMPREPLY=($(compgen -W "$verbs --help --version" -- "$cur"))
		return
	fi
	local verb=${words[1]}
	case $verb in
	run)
		case $prev in
		-k | --kernel | -i | --initrd | --nvram | -d | --disk)
			_filedir
			return
			;;
		--tpm)
			COMPREPLY=($(compgen -W "$(ls /dev/tpmrm* /dev/tpm[0-9]* 2>/dev/null)" -- "$cur"))
			return
			;;
		--threads)
			COMPREPLY=($(compgen -W "1 2 4 8" -- "$cur"))
			return
			;;
		--loglevel)
			COMPREPLY=($(compgen -W "error warning info debug" -- "$cur"))
			return
			;;
		--console)
			COMPREPLY=($(compgen -W "vty virtio" -- "$cur"))
			return
			;;
		-p | --params | -m | --mem | --max-mem | -c | --cpus | --max-cpus | --name | --hvpipe-source)
			return
			;;
		-n | --network)
			COMPREPLY=($(compgen -W "mode=tap,tapif= mode=tap,fd=" -- "$cur"))
			compopt -o nospace 2>/dev/null
			return
			;;
		esac
		COMPREPLY=($(compgen -W "--kernel --initrd --params --mem --max-mem --cpus --max-cpus
			--threads --name --nvram --hvpipe-source --tpm --tpm-allow-all --rng --console --disk --network --loglevel --no-sandbox --no-reboot --boot-trace --test-exit --test-fail-vcpu --help" -- "$cur"))
		;;
	check | list)
		COMPREPLY=($(compgen -W "--json --help" -- "$cur"))
		;;
	stop | pause | resume | stat)
		if [[ $cword -eq 2 ]]; then
			COMPREPLY=($(compgen -W "$(_pvm_vms) --help" -- "$cur"))
		else
			local opts="--json"
			[[ $verb == stop ]] && opts="--force --json"
			COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		fi
		;;
	hotplug)
		case $cword in
		2) COMPREPLY=($(compgen -W "$(_pvm_vms) --help" -- "$cur")) ;;
		3) COMPREPLY=($(compgen -W "mem cpu" -- "$cur")) ;;
		4) [[ $prev == cpu ]] && COMPREPLY=($(compgen -W "+1 -1" -- "$cur")) ||
			COMPREPLY=($(compgen -W "+256M +512M +1G -256M -512M -1G" -- "$cur")) ;;
		*) COMPREPLY=($(compgen -W "--json" -- "$cur")) ;;
		esac
		;;
	hvpipe)
		case $cword in
		2) COMPREPLY=($(compgen -W "$(_pvm_vms) --help" -- "$cur")) ;;
		3) COMPREPLY=($(compgen -W "send recv close open status" -- "$cur")) ;;
		*)
			case ${words[3]} in
			send) [[ $cword -ge 5 ]] && { _filedir; COMPREPLY+=($(compgen -W "--framed --no-wait -" -- "$cur")); } ;;
			recv) COMPREPLY=($(compgen -W "--follow --count --timeout" -- "$cur")) ;;
			status) COMPREPLY=($(compgen -W "--json" -- "$cur")) ;;
			esac
			;;
		esac
		;;
	help)
		[[ $cword -eq 2 ]] && COMPREPLY=($(compgen -W "$verbs" -- "$cur"))
		;;
	esac
} && complete -F _pvm pvm
