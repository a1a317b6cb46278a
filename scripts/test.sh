#!/usr/bin/env bash
# Builds the module and runs every test (xunit for Core, hosted PowerShell for the cmdlets),
# then prints one closing line: 'N passed, N failed, N skipped'.
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
bash scripts/install-prerequisites.sh --for-tests || exit 1
dotnet tool restore >/dev/null || exit 1
dotnet build -c Release AudioCluster.PowerShell.sln -nologo -clp:NoSummary -v:q || exit 1

results=$(mktemp -d)
status=0
for project in tests/AudioCluster.Core.Tests tests/AudioCluster.PowerShell.Tests; do
  name=$(basename "$project")
  dotnet test "$project" -c Release --no-build --nologo --results-directory "$results" \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" 2>&1 \
    | grep -E '^\s*(Failed|Skipped) |^\s+(Error Message|Stack Trace):|^\s{3,}\S|^(Total tests|\s+(Passed|Failed|Skipped):)|FSDD|Import-Module|report screenshot|Build-ModulePackage:|Install-PSResource:' || true
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  [ -f "$results/$name.trx" ] || { echo "No results from $project"; status=1; }
done

# Sum the counters of every test run: <Counters total=".." executed=".." passed=".." failed=".." ...>
counter() { grep -ho "<Counters [^>]*" "$results"/*.trx 2>/dev/null | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' | awk '{s += $1} END {print s + 0}'; }
passed=$(counter passed)
failed=$(( $(counter failed) + $(counter error) + $(counter timeout) + $(counter aborted) ))
skipped=$(( $(counter total) - $(counter executed) ))
rm -rf "$results"
[ "$failed" -eq 0 ] || status=1
[ "$passed" -gt 0 ] || status=1
echo
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
