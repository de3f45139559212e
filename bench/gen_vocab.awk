# Sessions (one a line, keys separated by spaces) over a vocabulary of `keys` distinct keys with a
# structure a model can learn: the keys form flows of `flow` keys; a session walks one flow from
# some start, wrapping round, so each key is followed by the next of its flow. The first
# keys/flow sessions start every flow once, so every key occurs.
#   awk -v keys=100000 -v flow=50 -v sessions=4000 -v len=30 -v seed=1 -f bench/gen_vocab.awk
BEGIN {
    srand(seed)
    flows = int(keys / flow)
    for (s = 0; s < sessions; s++) {
        f = s < flows ? s : int(rand() * flows)
        start = s < flows ? 0 : int(rand() * flow)
        n = s < flows && len < flow ? flow : len
        line = ""
        for (i = 0; i < n; i++)
            line = line (i ? " " : "") (f * flow + (start + i) % flow + 1)
        print line
    }
}
