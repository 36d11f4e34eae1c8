#!/usr/bin/env bash
# Builds the DocC documentation of the library modules from their symbol graphs with the
# toolchain's own docc (no plugin, nothing downloaded) and fails on any DocC warning: a
# broken ``symbol`` link, an undocumented parameter in a documented signature.
#
# Usage: Scripts/docc-check.sh [MODULE ...]   (default: every module in $MODULES below)
# DocC resolves ``links`` within one module only: name another module's symbol in `code voice`.
set -euo pipefail
cd "$(dirname "$0")/.."

# Every library module (ArchitectureTests checks none is missing); a listed module this tree
# does not have is reported and skipped.
MODULES="${MODULES:-Instrumentation Revocable DriverCore CharDev Subsystems SimHardware DriverDescription Sanitizer SanitizerTesting ScenarioModel ScenarioExecution ScenarioReports ExplorerEngine Explorer Torture FaultSweep BugCorpus Conformance DevmLint LintWitness PromelaExport KernelCheck}"
[ $# -gt 0 ] && MODULES="$*"

swift package dump-symbol-graph --minimum-access-level public >/dev/null
graphs="$(ls -d .build/*/symbolgraph | head -1)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=0
for m in $MODULES; do
  if [ ! -f "$graphs/$m.symbols.json" ]; then
    echo "docc: $m is not a module of this tree, skipped"
    continue
  fi
  rm -rf "$work/sg" "$work/out"
  mkdir -p "$work/sg"
  cp "$graphs/$m.symbols.json" "$work/sg/"
  cp "$graphs/$m"@*.symbols.json "$work/sg/" 2>/dev/null || true
  if docc convert --additional-symbol-graph-dir "$work/sg" --fallback-display-name "$m" \
       --fallback-bundle-identifier "org.drivermodel.$m" --output-path "$work/out" \
       --warnings-as-errors >"$work/log" 2>&1; then
    echo "docc: $m ok"
  else
    echo "docc: $m FAILED"; cat "$work/log"; failed=1
  fi
done
exit $failed
