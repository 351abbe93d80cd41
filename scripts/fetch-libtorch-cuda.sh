#!/usr/bin/env bash
# Puts DJL's CUDA build of libtorch into a DJL cache directory, so that a GPU processor starts
# without network access (air-gapped clusters, the gpu image).
#   scripts/fetch-libtorch-cuda.sh DJL_CACHE_DIR [VERSION] [FLAVOR]
# DJL does not publish libtorch 2.7.1's CUDA build to Maven Central (pytorch-native-cu1xx jars stop
# at 2.5.1); its PyTorch engine downloads it from publish.djl.ai at first start and keeps it in
# $DJL_CACHE_DIR/pytorch/<version>-<flavor>-<classifier>/. This script writes exactly that
# directory (the layout of ai.djl.pytorch.jni.LibUtils#downloadPyTorch); with PYTORCH_FLAVOR set to
# the same flavour, DJL then finds the files and downloads nothing. The JNI glue for cu128 is
# inside the pytorch-jni jar already.
set -euo pipefail
cache="${1:?usage: $0 DJL_CACHE_DIR [VERSION] [FLAVOR]}"
version="${2:-2.7.1}"
flavor="${3:-cu128}"
classifier="linux-x86_64"
base="https://publish.djl.ai/pytorch/${version}"
dir="${cache}/pytorch/${version}-${flavor}-${classifier}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
curl -fsSL "${base}/files.txt" -o "$tmp/files.txt"
grep "^${flavor}/${classifier}/" "$tmp/files.txt" > "$tmp/wanted" \
  || { echo "no ${flavor}/${classifier} build of libtorch ${version} at ${base}" >&2; exit 1; }
mkdir -p "$tmp/lib"
while read -r line; do
  name="$(basename "$line" .gz)"
  echo "fetching ${line}" >&2
  curl -fsSL "${base}/${line}" | gunzip > "$tmp/lib/$(printf '%b' "${name//%/\\x}")"
done < "$tmp/wanted"
mkdir -p "$(dirname "$dir")"
rm -rf "$dir"
mv "$tmp/lib" "$dir"
echo "libtorch ${version} ${flavor} in ${dir}" >&2
