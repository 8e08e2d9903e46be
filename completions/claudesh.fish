# fish completion for claudesh.
#
# Install as ~/.config/fish/completions/claudesh.fish (or, for every user, in the folder that
# `pkg-config --variable completionsdir fish` names); fish loads it when you first complete claudesh.
#
# The candidates come from the binary (`claudesh __complete WORDS...`), the same code that
# completes at the claudesh prompt, so this file has no list of its own to go out of date.

function __claudesh_complete
    # The words before the cursor's word, with quotes and escapes removed.
    set -l tokens (commandline -opc)
    # The word being typed, as typed: the binary wants its value. A lone backslash at the end
    # (about to escape the next character) makes `string unescape` fail, so it is left out.
    set -l current (commandline -ct)
    set -l value (string unescape -- $current 2>/dev/null)
    or set value (string unescape -- (string replace -r '\\\\$' '' -- $current) 2>/dev/null)
    or set value $current

    # Ask the program being completed, so ./claudesh asks itself.
    set -l program $tokens[1]
    string match -q -- '*/*' $program; and test -x "$program"; or set program claudesh
    $program __complete $tokens[2..-1] "$value" 2>/dev/null
end

# -f: no file names of fish's own; the binary offers paths where a command takes one.
complete -c claudesh -f -a '(__claudesh_complete)'
