#!/usr/bin/env bash
# Makes TorchSharp's native bridge load on hosts whose libstdc++ predates GLIBCXX_3.4.32
# (Debian 12 ships 3.4.30). Usage: patch-libtorchsharp.sh <module-folder> <work-folder>
# Does nothing where the host's libstdc++ already has that version, so such users run the
# library exactly as published.
set -euo pipefail
dest=$1; work=$(realpath -m "$2")
lib="$dest/libLibTorchSharp.so"
[ -f "$lib" ] || { echo "patch-libtorchsharp: $lib not found" >&2; exit 1; }

libstdcxx=$(ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')
[ -n "$libstdcxx" ] || libstdcxx=$(ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6/ {print $NF; exit}')
if [ -n "$libstdcxx" ] && grep -q 'GLIBCXX_3\.4\.32' "$libstdcxx"; then
  rm -f "$dest/libglibcxx-shim.so"
  exit 0
fi
# Already patched in an earlier build: the requirement is gone.
if ! readelf -V "$lib" | grep -q 'GLIBCXX_3\.4\.32.*Flags: none'; then
  exit 0
fi
for tool in patchelf cc readelf; do
  command -v $tool >/dev/null || { echo "patch-libtorchsharp: '$tool' is missing; run scripts/install-prerequisites.sh" >&2; exit 1; }
done

mkdir -p "$work"
cc -shared -fPIC -O2 -o "$work/libglibcxx-shim.so" "$(dirname "$0")/native/glibcxx-shim.c"
# Work on a private copy: the file in the output may be a hard link into the NuGet cache.
cp "$lib" "$work/libLibTorchSharp.so"
patchelf --clear-symbol-version _ZSt21ios_base_library_initv \
         --add-needed libglibcxx-shim.so "$work/libLibTorchSharp.so"

# Mark the GLIBCXX_3.4.32 entry of .gnu.version_r weak (VER_FLG_WEAK = 2), so the loader
# no longer refuses an older libstdc++ for a version nothing binds to any more.
section=$(readelf -S -W "$work/libLibTorchSharp.so" | awk '{for (i = 1; i < NF; i++) if ($i == ".gnu.version_r") print $(i + 3)}')
entry=$(readelf -V "$work/libLibTorchSharp.so" | awk '/Name: GLIBCXX_3\.4\.32/ {print $1; exit}' | tr -d ':')
[ -n "$section" ] && [ -n "$entry" ] || { echo "patch-libtorchsharp: version entry not found" >&2; exit 1; }
offset=$(( 0x$section + entry + 4 ))   # Elf64_Vernaux: vna_hash (4 bytes), then vna_flags
printf '\x02' | dd of="$work/libLibTorchSharp.so" bs=1 seek=$offset conv=notrunc status=none
readelf -V "$work/libLibTorchSharp.so" | grep -q 'GLIBCXX_3\.4\.32.*Flags: WEAK' \
  || { echo "patch-libtorchsharp: weak flag did not take" >&2; exit 1; }

rm -f "$lib"
cp "$work/libLibTorchSharp.so" "$lib"
cp "$work/libglibcxx-shim.so" "$dest/libglibcxx-shim.so"
echo "patch-libtorchsharp: patched $lib for libstdc++ without GLIBCXX_3.4.32"
