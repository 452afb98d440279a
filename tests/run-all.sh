#!/usr/bin/env bash
# The whole test suite, set-up included: restore, format check, build (analyzers as errors), every test project.
# Called by `npm test` after `npm ci`; ends with one line "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

dotnet restore MlopsFlows.sln
dotnet format MlopsFlows.sln --verify-no-changes --no-restore
dotnet build MlopsFlows.sln -c Release --no-restore

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
dotnet test MlopsFlows.sln -c Release --no-build --logger "console;verbosity=normal" 2>&1 | tee "$log" || status=$?

# With normal verbosity dotnet test closes each test project with "Total tests: T", "Passed: P", "Failed: F", "Skipped: S" lines.
count() { { grep -E "^ +$1: +[0-9]+$" "$log" || true; } | awk '{n+=$2} END {print n+0}'; }
passed="$(count Passed)"
failed="$(count Failed)"
skipped="$(count Skipped)"
aborted="$(grep -c 'Test Run Aborted' "$log" || true)"
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$aborted" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
