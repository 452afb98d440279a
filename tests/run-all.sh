#!/usr/bin/env bash
# The whole test suite, set-up included: restore, format check, build (analyzers as errors), every test project.
# Called by `npm test` after `npm ci`; ends with one line "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# The audit packet tests open pages in headless Chromium. Install Debian's when none is here and we may; otherwise
# say why once, and those tests report themselves skipped with the same reason.
has_chromium() { [ -x /usr/bin/chromium ] || command -v chromium chromium-browser google-chrome >/dev/null 2>&1; }
if ! has_chromium; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Chromium is missing: installing Debian's chromium with apt-get for the audit packet tests"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; } >/dev/null; then
      echo "Chromium could not be installed (apt-get failed, see above): the Chromium tests will be skipped"
    fi
  else
    echo "Chromium is missing and cannot be installed here (that needs root and apt-get): the Chromium tests will be skipped"
  fi
fi

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
