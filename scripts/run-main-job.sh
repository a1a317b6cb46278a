#!/usr/bin/env bash
# The main job on a fresh machine: install what is missing, build the module, then run the
# quickstart (generate a labelled synthetic set, embed, cluster, measure, print the quality table).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
bash scripts/install-prerequisites.sh
dotnet tool restore >/dev/null
dotnet build -c Release AudioCluster.PowerShell.sln -nologo -clp:NoSummary -v:q
exec dotnet pwsh -NoProfile -NonInteractive -File examples/quickstart.ps1 "$@"
