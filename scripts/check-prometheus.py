#!/usr/bin/env python3
"""Parses Prometheus text from a file (or stdin) with prometheus_client's own parser; prints
one line per sample as `name{labels} value` and exits non-zero when the text does not parse."""
import sys

from prometheus_client.parser import text_string_to_metric_families

text = open(sys.argv[1]).read() if len(sys.argv) > 1 else sys.stdin.read()
try:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = ",".join(f'{k}="{v}"' for k, v in sorted(sample.labels.items()))
            print(f"{sample.name}{{{labels}}} {sample.value}")
except Exception as error:  # the parser raises ValueError and friends on bad input
    print(f"not valid Prometheus text: {error}", file=sys.stderr)
    sys.exit(1)
