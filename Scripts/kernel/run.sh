#!/usr/bin/env bash
# The model against Linux (issue 21). Opt-in: needs the UML kernel Scripts/kernel/build.sh
# builds (and builds it when missing), gcc with a static libc, and python3 for KUnit.
#
# Usage: Scripts/kernel/run.sh scenarios [FILE...]   every GPIO and watchdog scenario by default
#        Scripts/kernel/run.sh kunit                  Linux's KUnit suites next to our conformance cases
# Env:   KERNEL_CACHE (as build.sh), DEVMODEL (a devmodel binary; default: swift build)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
KERNEL_CACHE="${KERNEL_CACHE:-$ROOT/.kernel-cache}"
export KERNEL_CACHE
mode="${1:-}"; shift || true
case "$mode" in scenarios|kunit) ;; *) sed -n '2,8p' "$0" >&2; exit 2 ;; esac

LINUX="$("$ROOT/Scripts/kernel/build.sh")"
SRC="$(ls -d "$KERNEL_CACHE"/linux-source-* | grep -v '\.deb$' | head -1)"
if [ -z "${DEVMODEL:-}" ]; then
  ( cd "$ROOT" && swift build --product devmodel 2>&1 | tail -3 ) >&2
  DEVMODEL="$(cd "$ROOT" && swift build --show-bin-path)/devmodel"
fi

case "$mode" in
scenarios)
  files=("$@")
  if [ ${#files[@]} -eq 0 ]; then
    files=("$ROOT"/Scenarios/gpio-*.yaml "$ROOT"/Scenarios/gpio-*.json "$ROOT"/Scenarios/canonical-three-actors.yaml \
           "$ROOT"/Scenarios/calls-race-unbind.yaml "$ROOT"/Scenarios/watchdog-*.yaml)  # watchdog-module-unload among them
  fi
  RUN="$KERNEL_CACHE/run"
  rm -rf "$RUN"; mkdir -p "$RUN/plans" "$RUN/out" "$RUN/model"
  gcc -O2 -Wall -Wno-format-truncation -static -pthread -o "$RUN/executor" "$ROOT/Scripts/kernel/executor.c"
  for f in "${files[@]}"; do
    name="$(basename "${f%.*}")"
    "$DEVMODEL" kernel plan "$f" -o "$RUN/plans/$name.plan"
    # Several model runs: an unsynchronised scenario takes different schedules, and a Linux
    # outcome some model run also produced is a schedule difference, not a model error.
    "$DEVMODEL" run --format json --progress never --repeat "${MODEL_RUNS:-20}" "$f" -o "$RUN/model/$name.json" >/dev/null || true
  done
  start=$(date +%s.%N)
  # DM_MODULES: the build folder, where the executor finds softdog.ko (a module here).
  timeout 600 "$LINUX" mem=256M root=/dev/root rootfstype=hostfs rootflags=/ ro \
    init="$ROOT/Scripts/kernel/uml-init.sh" DM_RUN="$RUN" DM_MODULES="$(dirname "$LINUX")" kunit.enable=0 \
    con=null con0=null,fd:1 </dev/null >"$RUN/console.log" 2>&1 || true
  end=$(date +%s.%N)
  grep "dm-init" "$RUN/console.log" >&2 || { tail -20 "$RUN/console.log" >&2; exit 1; }
  echo "boot + ${#files[@]} scenarios + poweroff: $(echo "$end - $start" | bc) s" >&2
  status=0
  summary=("| scenario | steps | same | schedule | skipped | after a skipped step | differ |" "| --- | --- | --- | --- | --- | --- | --- |")
  for f in "${files[@]}"; do
    name="$(basename "${f%.*}")"
    if [ -f "$RUN/out/$name.json" ]; then
      "$DEVMODEL" kernel diff "$f" --model "$RUN/model/$name.json" --linux "$RUN/out/$name.json" >"$RUN/$name.diff" || status=1
      cat "$RUN/$name.diff"
      # The table's last line: "N same, N reachable, N skipped, N differ[, N after a skipped step]".
      read -r same _ reach _ skip _ differ _ after _ < <(tail -1 "$RUN/$name.diff" | tr -d ',')
      after="${after:-0}"
      summary+=("| $name | $((same + reach + skip + differ + after)) | $same | $reach | $skip | $after | $differ |")
    else
      echo "== $name: no report from the kernel (see $RUN/console.log)"; status=1
    fi
  done
  echo; printf '%s\n' "${summary[@]}"
  exit $status
  ;;
kunit)
  OUT="$(dirname "$LINUX")"
  K="$KERNEL_CACHE/kunit"; mkdir -p "$K"
  start=$(date +%s.%N)
  # kunit.py exec boots the kernel build.sh made (its .config has the suites of
  # Scripts/kernel/uml.config) the way `kunit.py run` would after building.
  ( cd "$SRC" && python3 tools/testing/kunit/kunit.py exec --build_dir="$OUT" --raw_output=kunit \
      --timeout 300 ) >"$K/linux.ktap" 2>&1 || true
  end=$(date +%s.%N)
  echo "KUnit boot and run: $(echo "$end - $start" | bc) s" >&2
  ( cd "$SRC" && python3 tools/testing/kunit/kunit.py parse "$K/linux.ktap" ) | grep -E "Testing complete|FAILED|\] =+ \[PASSED\] (platform-device-devm|root-device-devm|kunit-resource-test|drm_managed) " >&2 || true
  "$DEVMODEL" conformance >"$K/ours.ktap" || true
  "$DEVMODEL" kernel kunit-table --ours "$K/ours.ktap" --linux "$K/linux.ktap"
  ;;
*)
  sed -n '2,8p' "$0" >&2; exit 2 ;;
esac
