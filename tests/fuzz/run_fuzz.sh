#!/usr/bin/env bash
# Builds the EventDecoder libFuzzer target with ASan + UBSan and runs it for N seconds.
#
#   tests/fuzz/run_fuzz.sh [SECONDS]        (default 60)
#
# The decoder's sources are compiled straight into the target (a separately built library would
# get no coverage instrumentation). New corpus entries go to a scratch copy of the seed corpus, so
# the checked-in seeds stay small; set FUZZ_WORK_DIR to keep them somewhere else. A crash, a
# sanitizer report or a violated property exits non-zero and leaves the input as crash-* in the
# work directory.
# Needs clang-14, libclang-rt-14-dev (the fuzzer and sanitizer runtimes), libsimdjson-dev,
# libsodium-dev, nlohmann-json3-dev and libabsl-dev.
set -euo pipefail

seconds="${1:-60}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "${here}/../.." && pwd)"
work="${FUZZ_WORK_DIR:-$(mktemp -d /tmp/casewatch-fuzz.XXXXXX)}"
mkdir -p "${work}/corpus"
cp -n "${here}/corpus/event_decoder/"* "${work}/corpus/" 2>/dev/null || true

cxx="${CXX_FUZZ:-clang++-14}"
flags=(-std=c++20 -g -O1 -fno-omit-frame-pointer
  -fsanitize=fuzzer,address,undefined -fno-sanitize=function -fno-sanitize-recover=all
  -include utility -I"${root}")
sources=(
  "${here}/event_decoder_fuzz.cc"
  "${root}"/connectors/decode/*.cc
  "${root}/connectors/pseudonym/pseudonymizer.cc"
  "${root}/base/time.cc"
)

echo "building ${work}/event_decoder_fuzz"
"${cxx}" "${flags[@]}" "${sources[@]}" -lsimdjson -lsodium -o "${work}/event_decoder_fuzz"

echo "fuzzing for ${seconds}s (corpus ${work}/corpus)"
cd "${work}"
status=0
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ./event_decoder_fuzz -max_total_time="${seconds}" -max_len=4096 -print_final_stats=1 \
  -dict="${here}/event_decoder.dict" -artifact_prefix="${work}/" \
  "${work}/corpus" 2>&1 | tee "${work}/fuzz.log" | grep -v -E '^#[0-9]+\s+(NEW|REDUCE)' || status=${PIPESTATUS[0]}

echo "----"
grep -E 'stat::number_of_executed_units|stat::average_exec_per_sec|stat::new_units_added' \
  "${work}/fuzz.log" || true
if [[ ${status} -ne 0 ]] || ls "${work}"/crash-* "${work}"/leak-* "${work}"/timeout-* >/dev/null 2>&1; then
  echo "FUZZER FOUND A PROBLEM: see ${work}/fuzz.log and the crash-* files in ${work}" >&2
  exit 1
fi
echo "no crash, no sanitizer report, no property violation (${work})"
