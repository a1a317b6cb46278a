#!/usr/bin/env bash
# Builds the module and runs every test (xunit for Core, hosted PowerShell for the cmdlets),
# then prints one closing line: 'N passed, N failed, N skipped'.
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
bash scripts/install-prerequisites.sh --with-ffmpeg || exit 1
dotnet tool restore >/dev/null || exit 1
dotnet build -c Release AudioCluster.PowerShell.sln -nologo -clp:NoSummary -v:q || exit 1

log=$(mktemp)
status=0
for project in tests/AudioCluster.Core.Tests tests/AudioCluster.PowerShell.Tests; do
  dotnet test "$project" -c Release --no-build --nologo --logger "console;verbosity=normal" 2>&1 | tee -a "$log" \
    | grep -E '^\s*(Passed|Failed|Skipped) |^(Passed|Failed)!|^\s+(Error Message|Stack Trace):|^Test Run|^\s*\[xUnit|FSDD|Import-Module' || true
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
done

# Sum the per-assembly summaries ("Passed!  - Failed: 0, Passed: 57, Skipped: 2, Total: 59").
read -r failed passed skipped < <(grep -E '^(Passed|Failed)! +- Failed:' "$log" \
  | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\1 \2 \3/' \
  | awk '{f += $1; p += $2; s += $3} END {print f + 0, p + 0, s + 0}')
rm -f "$log"
[ "$failed" -eq 0 ] || status=1
[ "$passed" -gt 0 ] || status=1
echo
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
