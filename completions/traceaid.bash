# bash completion for traceaid.
#
# The commands and each command's options are read from the binary itself (`traceaid help` and
# `traceaid COMMAND --help`) when TAB is pressed, so they follow the binary and cannot drift from
# it. What an option's value is comes from the name of its argument in that help: MODEL a model
# file (*.safetensors), FILE any file, NAME|PATH a theme; the few closed sets of values (model
# kinds, scoring and threshold rules, generated kinds) are listed below, and tests/test_completion.c
# checks that each of them is named in the help line of its option.
#
# TRACEAID_BIN, when set, names the binary to ask (the tests point it at the one just built).

# The binary to ask: TRACEAID_BIN, else the one typed when it is a path (./traceaid), else PATH's.
_traceaid_bin()
{
    if [[ -n ${TRACEAID_BIN-} ]]; then
        printf '%s\n' "$TRACEAID_BIN"
    elif [[ ${COMP_WORDS[0]} == */* && -x ${COMP_WORDS[0]} ]]; then
        printf '%s\n' "${COMP_WORDS[0]}"
    else
        command -v traceaid || printf 'traceaid\n'
    fi
}

# The command names `traceaid help` lists under "Commands:".
_traceaid_commands()
{
    "$1" help 2>/dev/null | awk '/^Commands:/ { on = 1; next } on && /^$/ { exit }
        on && /^  [a-z]/ { print $1 }'
}

# A command's options, one a line: the long name, the short one or "-", the argument's name or
# "-" (e.g. "--model -m KIND"), from the option lines of `traceaid COMMAND --help`.
_traceaid_options()
{
    "$1" "$2" --help 2>/dev/null | awk '/^ +-/ {
        short = "-"; long = ""; arg = "-"
        for (i = 1; i <= NF; i++) {
            if ($i ~ /^-[A-Za-z0-9],$/) short = substr($i, 1, 2)
            else if ($i ~ /^--[a-z]/) long = $i
            else break
        }
        if (long != "" && i <= NF && $i ~ /^[A-Z][A-Z0-9_|,]*$/) arg = $i
        if (long != "") print long, short, arg
    }'
}

# The theme names: the two compiled in, the ones --theme's help names, and the *.theme files of
# the folders the binary looks in (the user's, TRACEAID_THEMES_DIR or the installed ones, and the
# source tree's themes/ beside a binary run from there).
_traceaid_themes()
{
    local bin=$1 config=${XDG_CONFIG_HOME-} dir file
    [[ $config == /* ]] || config=${HOME-}/.config
    local dirs=("$config/traceaid/themes")
    if [[ -n ${TRACEAID_THEMES_DIR+set} ]]; then
        dirs+=("$TRACEAID_THEMES_DIR")
    else
        dirs+=(/usr/share/traceaid/themes /usr/local/share/traceaid/themes)
        [[ $bin == */* ]] && dirs+=("${bin%/*}/themes")
    fi
    printf '%s\n' default mono
    "$bin" open --help 2>/dev/null | awk '/^ +--theme / {
        sub(/^ +--theme +[^ ]+ +/, ""); n = split($0, part, ", ")
        for (i = 1; i <= n; i++) if (part[i] ~ /^[a-z][a-z0-9-]*$/) print part[i] }'
    for dir in "${dirs[@]}"; do
        [[ -n $dir && -d $dir ]] || continue
        for file in "$dir"/*.theme; do
            [[ -f $file ]] || continue
            file=${file##*/}
            printf '%s\n' "${file%.theme}"
        done
    done
}

# The closed sets of values: by command and option, then by option alone.
_traceaid_values()
{
    case "$1 $2" in
    "train --model") printf '%s\n' deeplog seq2seq ;;
    "gen --kind") printf '%s\n' clean fifo-ls fifo-ls-sporadic full-while half-while ;;
    *" --score") printf '%s\n' miss nll ;;
    *" --threshold-rule") printf '%s\n' std quantile ;;
    *) return 1 ;;
    esac
}

_traceaid_files()
{
    compopt -o filenames 2>/dev/null
    if [[ -n $2 ]]; then # directories, and the files with this ending
        mapfile -t COMPREPLY < <(compgen -f -X "!*$2" -- "$1"; compgen -d -- "$1")
    else
        mapfile -t COMPREPLY < <(compgen -f -- "$1")
    fi
}

# The value of option $2 (long name) with argument $3 of command $1, for the word $4.
_traceaid_value()
{
    local cmd=$1 opt=$2 arg=$3 cur=$4 bin=$5 values
    if values=$(_traceaid_values "$cmd" "$opt"); then
        mapfile -t COMPREPLY < <(compgen -W "$values" -- "$cur")
        return
    fi
    case $arg in
    MODEL) _traceaid_files "$cur" .safetensors ;;
    FMT) # a raw log's format: the presets' names (a format itself is typed out)
        mapfile -t COMPREPLY < <(compgen -W "$("$bin" parse --list-formats 2>/dev/null |
            awk '/^[a-z][a-z0-9-]* / { print $1 }')" -- "$cur") ;;
    NAME\|PATH)
        mapfile -t COMPREPLY < <(compgen -W "$(_traceaid_themes "$bin" | sort -u)" -- "$cur")
        local files
        mapfile -t files < <(compgen -f -- "$cur")
        [[ $cur == */* || $cur == .* ]] && COMPREPLY+=("${files[@]}") && compopt -o filenames 2>/dev/null
        ;;
    FILE | *PATH*) _traceaid_files "$cur" ;;
    *) COMPREPLY=() ;; # a number, a rate, a regular expression: nothing to offer
    esac
}

_traceaid()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev='' bin cmd
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    bin=$(_traceaid_bin)
    COMPREPLY=()

    # --opt=value, whether or not COMP_WORDBREAKS splits the word at '='.
    local eq_opt=
    if [[ $cur == --*=* ]]; then
        eq_opt=${cur%%=*} cur=${cur#*=}
    elif [[ $cur == = ]]; then
        eq_opt=$prev cur=
    elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
        eq_opt=${COMP_WORDS[COMP_CWORD - 2]}
    fi

    if ((COMP_CWORD == 1)) && [[ $cur != -* && -z $eq_opt ]]; then
        # A command, or a trace: no command name opens the traces named.
        mapfile -t COMPREPLY < <(compgen -W "$(_traceaid_commands "$bin"; echo help)" -- "$cur" | sort -u)
        local files
        mapfile -t files < <(compgen -f -- "$cur")
        COMPREPLY+=("${files[@]}")
        compopt -o filenames 2>/dev/null
        return 0
    fi

    cmd=${COMP_WORDS[1]}
    if [[ $cmd == help ]]; then
        ((COMP_CWORD == 2)) && mapfile -t COMPREPLY < <(compgen -W "$(_traceaid_commands "$bin")" -- "$cur")
        return 0
    fi
    # Anything else than a command's name is the explorer's first trace (or option).
    if ! _traceaid_commands "$bin" | grep -qx -- "$cmd"; then
        cmd=open
    fi

    local table
    table=$(_traceaid_options "$bin" "$cmd")
    local want=${eq_opt:-$prev} long short arg
    if [[ -n $eq_opt || $prev == -* ]]; then
        while read -r long short arg; do
            if [[ $want == "$long" || $want == "$short" ]]; then
                [[ $arg == - ]] && break # a flag: what follows is completed afresh
                _traceaid_value "$cmd" "$long" "$arg" "$cur" "$bin"
                return 0
            fi
        done <<<"$table"
    fi

    if [[ $cur == -* ]]; then
        local words
        words=$(awk '{ print $1 }' <<<"$table")
        ((COMP_CWORD == 1)) && words+=$'\n--help\n--version'
        mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
        return 0
    fi
    _traceaid_files "$cur"
    return 0
}

complete -F _traceaid traceaid
