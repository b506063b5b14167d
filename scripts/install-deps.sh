#!/usr/bin/env bash
# Installs the Debian 12 packages DoRA Studio builds and runs with. Idempotent: packages already
# present are skipped, so `make run` and `make test` can call it every time at no cost.
set -euo pipefail

packages=(
    build-essential cmake ninja-build ccache pkg-config
    libtorch-dev libopenblas0-openmp          # without OpenBLAS LibTorch uses the reference BLAS (~30x slower)
    qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-translations-l10n
    libqcustomplot-dev libqcustomplot2.1-qt6 qt6-svg-dev   # plots, and saving them as SVG
    libsqlite3-dev nlohmann-json3-dev
    libgloo-dev                               # headers LibTorch's ProcessGroupGloo includes (multi-process training)
    fonts-noto-cjk                            # the Simplified Chinese interface needs a CJK font
    xvfb xauth                                # headless screenshots and a real window without a display
    clang-14 libclang-rt-14-dev sqlite3       # scripts/fuzz.sh (libFuzzer) and scripts/kill-trials.sh
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
