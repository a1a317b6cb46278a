#!/usr/bin/env bash
# Installs what the build and tests need beyond the .NET SDK, on Debian/Ubuntu, only where missing:
# - patchelf and a C compiler: to adapt libLibTorchSharp.so where libstdc++ lacks GLIBCXX_3.4.32
#   (see patch-libtorchsharp.sh); binutils for readelf;
# - with --for-tests (--with-ffmpeg is the old name): ffmpeg, which decodes FLAC, M4A, Opus and the
#   like and which the tests use to make MP3/Ogg/FLAC files (the module works without it and says
#   so when a file needs it); and chromium, in which the tests open the HTML cluster report.
# PowerShell (dotnet tool restore) and the test libraries come from NuGet, not apt.
set -euo pipefail
need=()
command -v patchelf >/dev/null || need+=(patchelf)
command -v cc >/dev/null || need+=(gcc libc6-dev)
command -v readelf >/dev/null || need+=(binutils)
if [ "${1:-}" = "--for-tests" ] || [ "${1:-}" = "--with-ffmpeg" ]; then
  command -v ffmpeg >/dev/null || need+=(ffmpeg)
  command -v chromium >/dev/null || command -v chromium-browser >/dev/null || need+=(chromium)
fi
[ ${#need[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "Please install: ${need[*]}" >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
echo "Installing ${need[*]} ..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
