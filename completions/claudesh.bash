# bash completion for claudesh.
#
# Install as ~/.local/share/bash-completion/completions/claudesh (bash-completion loads it the
# first time you complete claudesh), or as /etc/bash_completion.d/claudesh for every user, or
# `source` it from ~/.bashrc. bash 4.1 or newer; bash-completion is used when present, not needed.
#
# The candidates come from the binary (`claudesh __complete WORDS...`), the same code that
# completes at the claudesh prompt, so this file has no list of its own to go out of date.

# Removes the shell quoting from a word as typed (backslashes, '...' and "...", also when the
# closing quote is not typed yet), expanding nothing: the binary wants the word's value.
_claudesh_dequote() {
    local word=$1 out='' char quote=''
    local -i i
    for ((i = 0; i < ${#word}; i++)); do
        char=${word:i:1}
        if [[ $quote == "'" ]]; then
            if [[ $char == "'" ]]; then quote=''; else out+=$char; fi
        elif [[ $quote == '"' ]]; then
            if [[ $char == '"' ]]; then
                quote=''
            elif [[ $char == '\' && ${word:i+1:1} == [\$\`\"\\] ]]; then
                out+=${word:i+1:1}
                ((i++))
            else
                out+=$char
            fi
        elif [[ $char == "'" || $char == '"' ]]; then
            quote=$char
        elif [[ $char == '\' ]]; then
            out+=${word:i+1:1}
            ((i++))
        else
            out+=$char
        fi
    done
    REPLY=$out
}

# Without bash-completion: COMP_WORDS is split at every COMP_WORDBREAKS character, so
# `--home=/x` arrives as `--home` `=` `/x`. Glue pieces around "=" and ":" back together when
# COMP_LINE shows no blank between them, and cut the current word at the cursor.
# Sets `words`, `cword` and `cur` in the caller, as _get_comp_words_by_ref does.
_claudesh_words() {
    local line=${COMP_LINE:0:COMP_POINT} word rest
    local -i i separated
    words=()
    cword=-1
    for ((i = 0; i <= COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]-}
        rest=${line#"${line%%[![:space:]]*}"}
        separated=$((${#rest} != ${#line}))
        ((i == COMP_CWORD)) && word=$rest
        line=${rest:${#word}}
        if ((cword >= 0 && !separated)) && [[ $word == [=:]* || ${words[cword]} == *[=:] ]]; then
            words[cword]+=$word
        else
            words[++cword]=$word
        fi
    done
    cur=${words[cword]}
}

_claudesh() {
    local cur cword REPLY
    local -a words
    if declare -F _get_comp_words_by_ref >/dev/null; then
        _get_comp_words_by_ref -n =: cur words cword
    else
        _claudesh_words
    fi
    ((cword >= 1)) || return 0

    local -a arguments=()
    local -i i
    for ((i = 1; i < cword; i++)); do
        _claudesh_dequote "${words[i]}"
        arguments+=("$REPLY")
    done
    _claudesh_dequote "$cur"
    arguments+=("$REPLY")

    # Ask the program being completed, so ./claudesh or ~/bin/claudesh asks itself.
    _claudesh_dequote "${words[0]}"
    local program=$REPLY
    [[ $program == '~/'* ]] && program=$HOME/${program:2}

    local -a candidates
    mapfile -t candidates < <("$program" __complete "${arguments[@]}" 2>/dev/null)
    COMPREPLY=()
    ((${#candidates[@]})) || return 0

    # Readline replaces only the text after the last COMP_WORDBREAKS character, but the binary
    # answered for the whole word: drop what comes before that character.
    local breaks='' trim=''
    [[ $COMP_WORDBREAKS == *=* ]] && breaks+='='
    [[ $COMP_WORDBREAKS == *:* ]] && breaks+=':'
    if [[ -n $breaks && $cur == *[$breaks]* ]]; then
        _claudesh_dequote "${cur%"${cur##*[$breaks]}"}"
        trim=$REPLY
    fi

    # When every candidate is a file or folder on disk, let readline treat them as file names:
    # it then quotes spaces and quotes for whichever quoting the word was started with, lists
    # only the last path component, and puts the "/" after a folder itself (it would double a
    # slash given one when the cursor is inside the line, so the slash is taken off here).
    local candidate path
    local -i paths=1
    for candidate in "${candidates[@]}"; do
        path=$candidate
        [[ $path == '~/'* ]] && path=$HOME/${path:2}
        if [[ $candidate == */ ]]; then
            [[ -d $path ]] || { paths=0; break; }
        else
            [[ -e $path && ! -d $path ]] || { paths=0; break; }
        fi
    done

    local quoted
    for candidate in "${candidates[@]}"; do
        candidate=${candidate#"$trim"}
        if ((paths)); then
            [[ $candidate == ?*/ ]] && candidate=${candidate%/}
            COMPREPLY+=("$candidate")
        else
            # Not file names: readline inserts the text as given, so it must be shell-quoted
            # here, all but a leading "~" that has to stay expandable.
            if [[ $candidate == '~'* ]]; then
                printf -v quoted '~%q' "${candidate:1}"
                [[ $candidate == '~' ]] && quoted='~'
            else
                printf -v quoted '%q' "$candidate"
            fi
            COMPREPLY+=("$quoted")
        fi
    done

    ((paths)) && compopt -o filenames
    if ((${#candidates[@]} == 1)) && [[ ${candidates[0]} == */ ]]; then
        compopt -o nospace
    fi
    return 0
}

complete -F _claudesh claudesh
