#!/usr/bin/env bash
# Classic algorithms against scikit-learn on the same data, same machine, same run.
# Usage: bash scripts/bench/run-classic-bench.sh [workload ...]   (kmeans pca ward10k ward20k tsne3k tsne10k nmi ari)
# Installs Debian's python3-sklearn (scikit-learn 1.2.1 on Debian 12) and OpenBLAS (numpy would
# otherwise run on the reference BLAS) for the peer when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
if { ! /usr/bin/python3 -c "import sklearn" 2>/dev/null || ! dpkg -s libopenblas0-pthread >/dev/null 2>&1; } && command -v apt-get >/dev/null; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3-sklearn libopenblas0-pthread >/dev/null
fi
dotnet run -c Release --project scripts/bench/AudioCluster.Bench -- "$@"
