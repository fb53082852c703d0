#!/usr/bin/env python3
"""Reads `perf script -F comm,tid,ip,sym` (recorded with --call-graph dwarf) on stdin and prints
where the CPU went: first by thread kind, then, within each, by component.

A sample is charged to the component of the innermost frame on its stack that belongs to one of
the components below (checked in order for each frame, leaf first), so that a syscall, malloc or
a lock counts against whoever was running it only when nothing more specific is on top of it:
a `pwrite` under SQLite's WAL counts as "syscalls", SQLite's own page work as "SQLite".

Thread kinds in `perch serve`: `MHD-worker` (libmicrohttpd: HTTP, and each webhook handler up
to its first suspension: signature check, decode, submitting the store write), `-qos.overcommit`
(serial dispatch queues: the store's writer, which runs every group commit, and GRDB's readers),
`oot.default-qos` (Swift concurrency's pool: everything after the durable write, and the lanes
that process events), the curl thread (`perch` or unnamed)."""
import collections
import re
import sys

COMPONENTS = [
    ("syscalls (socket, file, futex)", r"^(__libc_|__send|__recv|epoll_wait|__poll|sendmsg|recvmsg|pwrite|__GI___|syscall|entry_SYSCALL|do_syscall_64)"),
    ("kernel scheduling", r"^(finish_task_switch|__schedule|schedule|_raw_spin_unlock_irq|irqentry_exit)"),
    ("SQLite", r"^sqlite3|^pager|^btree|^wal[A-Z]|^vdbe"),
    ("GRDB", r"\$s4GRDB"),
    ("store (PerchStore)", r"10PerchStore"),
    ("JSON writing", r"JSONValueO11writeString|JSONValueO5write|JSONValueO10serialized|JSONBytes"),
    ("webhook decode (PerchEvents)", r"11PerchEvents"),
    ("signature check", r"SignatureVerifier|CCryptoBoringSSL|HMAC|Base64"),
    ("Ingress (PerchServer)", r"11PerchServer"),
    ("MicroHTTP (Swift adapter)", r"9MicroHTTP"),
    ("libmicrohttpd", r"^MHD_|^MHD|^internal_|^call_connection|^process_request|^parse_|^try_ready"),
    ("Dispatcher and lanes", r"DispatcherC|LaneSchedule|12PerchRuntime4FIFO"),
    ("event processing (PerchRuntime)", r"12PerchRuntime"),
    ("flow decision (PerchFlows)", r"10PerchFlows"),
    ("Bird client (PerchBird)", r"9PerchBird"),
    ("Curl adapter and libcurl", r"\$s4Curl|^curl_|^Curl_|^multi_"),
    ("logging", r"7Logging|JSONLogHandler"),
    ("metrics", r"Prometheus|CoreMetrics"),
    ("Swift concurrency runtime", r"^swift_task|^swift_job|^swift_continuation|^swift::|Concurrency"),
    ("libdispatch", r"^_dispatch|^dispatch_"),
    ("malloc/free", r"malloc|^free|^cfree|^_int_|unlink_chunk"),
    ("retain/release", r"^swift_retain|^swift_release|^swift_bridgeObject"),
]
COMPILED = [(name, re.compile(pattern)) for name, pattern in COMPONENTS]


def read_samples(lines):
    samples, thread, frames = [], None, []
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            if thread is not None:
                samples.append((thread, frames))
            thread, frames = None, []
        elif not line[0].isspace():
            if thread is not None:
                samples.append((thread, frames))
            thread, frames = line.split()[0], []
        else:
            parts = line.strip().split(" ", 1)
            frames.append(parts[1] if len(parts) > 1 else "")
    if thread is not None:
        samples.append((thread, frames))
    return samples


def component(frames):
    for frame in frames:
        for name, regex in COMPILED:
            if regex.search(frame):
                return name
    return "other (" + (frames[0][:40] if frames else "?") + ")"


def main():
    samples = read_samples(sys.stdin)
    total = len(samples)
    if total == 0:
        print("no samples")
        return
    threads = collections.Counter(thread for thread, _ in samples)
    print(f"{total} samples; share of all of Perch's CPU samples")
    print()
    print("| thread | share |")
    print("|---|---:|")
    for thread, count in threads.most_common():
        print(f"| {thread} | {100 * count / total:.1f}% |")
    overall = collections.Counter()
    for thread, count in threads.most_common(4):
        parts = collections.Counter(component(frames) for name, frames in samples if name == thread)
        overall.update(parts)
        print()
        print(f"**{thread}** ({100 * count / total:.1f}%)")
        print()
        print("| component | share of all |")
        print("|---|---:|")
        for name, part in parts.most_common(12):
            if 100 * part / total >= 0.5:
                print(f"| {name} | {100 * part / total:.1f}% |")
    print()
    print("**All threads**")
    print()
    print("| component | share |")
    print("|---|---:|")
    for name, part in overall.most_common(20):
        print(f"| {name} | {100 * part / total:.1f}% |")


if __name__ == "__main__":
    main()
