# Helpers shared by the benchmark scripts.
BUILD=${BUILD:-build/bench}
RUNS=${RUNS:-5}
mkdir -p "$BUILD"

# field NAME "k=v k=v ...": the value of NAME
field() { sed -n "s/.*\(^\| \)$1=\([^ ,}]*\).*/\2/p" <<<"$2" | head -1; }

# median of the numbers given as arguments
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# ratio A B: A / B to one decimal
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }

# jfield NAME '{"NAME":value,...}': a value of a flat JSON object
jfield() { sed -n "s/.*\"$1\":\"\{0,1\}\([^,}\"]*\).*/\1/p" <<<"$2" | head -1; }
