#!/bin/sh
# run.sh FUZZER SEEDS WORKDIR SECONDS [DICT]: run a libFuzzer target for SECONDS seconds.
#
# The corpus lives in WORKDIR/corpus and persists between runs (each run of the suite goes on
# from what the last one found); SEEDS (the real archives of make_corpus.sh) are read as well.
# A crash, a leak, a sanitizer report or a broken promise in the target saves the input under
# WORKDIR/artifacts/, prints the reproduction command, and fails (libFuzzer's own status).
# Longer by hand: tests/fuzz/run.sh build/tests/fuzz/fuzz_cpio build/tests/fuzz/seeds /tmp/fz 3600
set -u
fuzzer=$1 seeds=$2 work=$3 seconds=$4 dict=${5:-}
mkdir -p "$work/corpus" "$work/artifacts"
log=$work/last-run.log
set -- -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="${FUZZ_MAX_LEN:-16384}" \
    -print_final_stats=1 -artifact_prefix="$work/artifacts/"
[ -n "$dict" ] && set -- "$@" -dict="$dict"
"$fuzzer" "$@" "$work/corpus" "$seeds" >"$log" 2>&1
status=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log")
inputs=$(find "$work/corpus" -type f | wc -l)
if [ $status != 0 ]; then
    tail -n 60 "$log"
    echo "fuzz: $(basename "$fuzzer") FAILED (status $status) after ${runs:-?} runs; see $log"
    for a in "$work"/artifacts/*; do
        [ -e "$a" ] && echo "fuzz: reproduce with: $fuzzer $a"
    done
    exit 1
fi
grep -E '^(INFO: Seed|#[0-9]+[[:space:]]+(INITED|DONE))' "$log"
echo "fuzz: $(basename "$fuzzer"): ${runs:-?} runs in ${secs:-?} s, no crash; corpus $inputs inputs in $work/corpus"
