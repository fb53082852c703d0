#!/usr/bin/env python3
"""Groups `perf script -F tid,ip,sym` samples (recorded with -g) by the innermost Perch component
on their call chain, so that a diffuse profile (malloc, retain/release, futex everywhere) can be read
as "who caused it". Usage: perf script -i perf.data -F tid,ip,sym | classify.py"""
import re
import sys
from collections import Counter

# (label, regex over a frame's symbol); checked leaf to root, the first frame that matches wins.
RULES = [
    ("Ingress.isJSON (Foundation split/trim/lowercase)", r"IngressV6isJSON"),
    ("Ingress.lowercased headers", r"IngressV10lowercased"),
    ("signature check (SignatureVerifier)", r"SignatureVerifier"),
    ("webhook decode (WebhookDecoder/JSONParser)", r"WebhookDecoder|MessageBirdDecoding|JSONParser"),
    ("Trace.json (Foundation JSONEncoder)", r"PerchRuntime5TraceV"),
    ("ConversationRecord Codable (Foundation JSON)", r"ConversationRecordV"),
    ("flow decision (FlowSet.decide)", r"PerchFlows"),
    ("store: enqueue + group commit", r"SQLiteB0C6commit|SQLiteB0C7enqueue|SQLiteB0C5drain"),
    ("store: save conversation", r"saveConversation"),
    ("store: read conversation", r"SQLiteB0C12conversation"),
    ("store: mark done / traces / other", r"PerchStore"),
    ("GRDB (queues, pool, statements)", r"\$s4GRDB|GRDB"),
    ("SQLite (unattributed)", r"^sqlite3"),
    ("Ingress other (respond, metadata, response)", r"PerchServer7Ingress"),
    ("EventProcessor other", r"EventProcessor"),
    ("Dispatcher (lanes)", r"Dispatcher"),
    ("Runtime other", r"PerchRuntime"),
    ("MicroHTTP adapter (Swift)", r"MicroHTTP"),
    ("libmicrohttpd", r"^MHD_|^MHD|internal_run_from_select|call_connection_handler|MHD_epoll"),
    ("swift-log (Logger, StreamLogHandler, writing log lines)", r"^\$s7Logging|StreamLogHandler"),
]
compiled = [(label, re.compile(pattern)) for label, pattern in RULES]

samples = []
frames = []
for line in sys.stdin:
    line = line.rstrip("\n")
    if not line.strip():
        if frames:
            samples.append(frames)
        frames = []
        continue
    if line[0].isdigit() and "\t" not in line and not line.startswith("\t"):
        if frames:
            samples.append(frames)
        frames = []
        continue
    parts = line.strip().split(" ", 1)
    frames.append((parts[0], parts[1] if len(parts) > 1 else ""))
if frames:
    samples.append(frames)

by_component = Counter()
kernel_leaf = Counter()
for chain in samples:
    label = None
    for _, symbol in chain:
        for name, regex in compiled:
            if regex.search(symbol):
                label = name
                break
        if label:
            break
    if label is None:
        leaf = chain[0][1] if chain else "?"
        user = [s for ip, s in chain if not ip.startswith("ffffffff")]
        if any("futex" in s or "sem_" in s or "pthread_cond" in s for _, s in chain):
            label = "threads waking/waiting (futex, dispatch, concurrency runtime)"
        elif any(s.startswith("swift_task") or "swift_job" in s or "runJob" in s for s in user):
            label = "Swift concurrency runtime (unattributed)"
        elif any("dispatch" in s for s in user):
            label = "libdispatch (unattributed)"
        elif not user:
            label = "kernel (no user frame: interrupts, softirq, scheduler)"
        else:
            label = "other: " + (user[0] if user else leaf)[:60]
    by_component[label] += 1
    if chain and chain[0][0].startswith("ffffffff"):
        kernel_leaf[label] += 1

total = sum(by_component.values())
print(f"{total} samples")
print("| component (innermost Perch frame on the stack) | share | of which in the kernel |")
print("|---|---:|---:|")
shown = 0
other = 0
for label, count in by_component.most_common():
    if count / total < 0.01 or shown >= 25:
        other += count
        continue
    shown += 1
    print(f"| {label} | {100 * count / total:.1f}% | {100 * kernel_leaf[label] / total:.1f}% |")
print(f"| everything else (< 1% each) | {100 * other / total:.1f}% | |")
