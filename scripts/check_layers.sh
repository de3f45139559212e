#!/usr/bin/env bash
# The rule of direction (docs/ARCHITECTURE.md): io -> model -> core -> {cli, tui}; samples/ and
# bench/ use the library, nothing in it uses them; no include loop. Fails naming each include
# that breaks it.
set -euo pipefail
cd "$(dirname "$0")/.."

# The folders each folder may include from, besides itself.
declare -A may=(
    [io]=""
    [model]="io"
    [core]="io model"
    [cli]="io model core samples"
    [tui]="io model core"
    [samples]="io"
    [bench]="io model core samples"
)

broken=0 checked=0 edges=$(mktemp)
trap 'rm -f "$edges"' EXIT
for dir in "${!may[@]}"; do
    for file in "$dir"/*.[ch] "$dir"/*/*.[ch]; do
        [ -f "$file" ] || continue
        while read -r target; do
            resolved=$(realpath -m --relative-to=. "$(dirname "$file")/$target")
            echo "$file $resolved" >> "$edges"
            checked=$((checked + 1))
            top=${resolved%%/*}
            [ "$top" = "$dir" ] && continue
            if [[ " ${may[$dir]} " != *" $top "* ]]; then
                echo "layers: $file includes $resolved ($dir/ may include only: ${may[$dir]:-itself})"
                broken=$((broken + 1))
            fi
        done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$file")
    done
done
if ! tsort "$edges" > /dev/null 2> "$edges.err"; then
    sed 's/^tsort: /layers: include loop: /' "$edges.err"
    broken=$((broken + 1))
fi
rm -f "$edges.err"
echo "layers: $checked includes checked"
echo "layers: $((broken == 0 ? 1 : 0)) passed, $((broken == 0 ? 0 : 1)) failed"
[ "$broken" -eq 0 ]
