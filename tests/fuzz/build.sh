#!/bin/bash
# Configures and builds the libFuzzer targets with clang in their own build tree (the main build
# may use g++). Exit 77 (skipped) where clang or its fuzzer runtime is missing.
# usage: build.sh SOURCE_DIR FUZZ_BUILD_DIR
set -euo pipefail
src=$1 out=$2
if ! command -v clang++ >/dev/null || ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
    echo "SKIP: the fuzzers need clang and libclang-rt-14-dev"; exit 77
fi
cmake -S "$src" -B "$out" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DBOOTLAB_FUZZ=ON > "$out.configure.log" 2>&1 || { cat "$out.configure.log"; exit 1; }
cmake --build "$out" --target fuzzers
