#!/usr/bin/env bash
# Installs what the build and tests need beyond the .NET SDK, on Debian/Ubuntu.
# - patchelf and a C compiler: only where libstdc++ lacks GLIBCXX_3.4.32 (see patch-libtorchsharp.sh)
# - PowerShell and Pester come from NuGet (dotnet tool restore, the test project), not apt.
set -euo pipefail
need=()
command -v patchelf >/dev/null || need+=(patchelf)
command -v cc >/dev/null || need+=(gcc libc6-dev)
command -v readelf >/dev/null || need+=(binutils)
if [ ${#need[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "Please install: ${need[*]}" >&2; exit 1
  fi
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
