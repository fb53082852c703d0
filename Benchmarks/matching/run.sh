#!/bin/sh
# Builds the matching benchmark in release mode and runs it (see README.md).
set -eu
cd "$(dirname "$0")/../.."
swift build -c release -j 2 --product MatchingBench
.build/release/MatchingBench
