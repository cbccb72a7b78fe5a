#!/bin/sh
# Wall time of `tiercheck check` on one narrative, and over generated reports of 94, 188 and 376
# countries, with their facts (each draft paired by country and year from the facts folder) and
# text-only; and of `tiercheck report` of each whole report with its drafts (the site written to
# a temporary folder).
#
#   sh benches/check_wall.sh [CORPUS_DIR]     (default: a fresh temporary folder)
#
# The corpora are the bench's (benches/pipeline.rs): synthetic facts files and the drafts
# `tiercheck draft` writes from them, some with slips for `check` to report. Each figure is the
# fastest and the median of 11 runs, in seconds; `cpu` is user + system time of the median run
# (measured with GNU time, `/usr/bin/time`).
set -eu
cd "$(dirname "$0")/.."
DIR=${1:-$(mktemp -d)}
RUNS=${RUNS:-11}
cargo build --release --quiet
TIERCHECK_BENCH_CORPUS="$DIR" cargo bench --quiet --bench pipeline >/dev/null
BIN=target/release/tiercheck

time_runs() {
    for _ in $(seq $RUNS); do
        /usr/bin/time -f "%e %U %S" "$@" 2>&1 >/dev/null | tail -n 1
    done | sort -n | awk '{ w[NR] = $1; c[NR] = $2 + $3 }
        END { m = int((NR + 1) / 2); printf "min %.3f  median %.3f  cpu %.2f\n", w[1], w[m], c[m] }'
}

# Milliseconds of wall time (GNU date's nanoseconds; the time of starting `date` itself, about a
# millisecond, is included), fastest and median of 31 runs.
time_one() {
    for _ in $(seq 31); do
        s=$(date +%s%N)
        "$@" >/dev/null 2>&1 || true
        e=$(date +%s%N)
        echo $(((e - s) / 1000))
    done | sort -n | awk '{ w[NR] = $1 }
        END { m = int((NR + 1) / 2); printf "min %.1f ms  median %.1f ms\n", w[1] / 1000, w[m] / 1000 }'
}

echo "cores: $(nproc)"
# One narrative, start-up included: the published Tajikistan 2022 narrative when ../shared is
# beside the checkout, else our own clean draft; with its facts and text-only.
ONE=../shared/domain/tajikistan-2022.txt
[ -f "$ONE" ] || ONE=tests/check/clean.txt
printf 'one narrative with facts:     '
time_one "$BIN" check "$ONE" --facts reports/2022/tajikistan.yaml
printf 'one narrative, text-only:     '
time_one "$BIN" check "$ONE"
for n in 94 188 376; do
    printf '%4d narratives with facts:  ' "$n"
    time_runs "$BIN" check "$DIR/$n/drafts" --facts "$DIR/$n/facts" --format json
    printf '%4d narratives, text-only:  ' "$n"
    time_runs "$BIN" check "$DIR/$n/drafts" --format json
    printf '%4d countries, report:      ' "$n"
    time_runs "$BIN" report "$DIR/$n/facts/2022" --drafts "$DIR/$n/drafts" -o "$DIR/$n/site"
done
