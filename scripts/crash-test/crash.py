#!/usr/bin/env python3
"""Crash test for Perch's promise: an event answered 200 is never lost and never answered twice.

Starts the fake Bird API (CrashFake) and `perch serve`, sends N signed legacy `message.created`
webhooks from several threads, kills Perch with SIGKILL after a share of them was acknowledged,
starts it again on the same store, and, like Bird, retries every event that got no 200. Then it
waits until the inbox is drained and checks the fake's request log: every event must have exactly
one reply (matched by the message id in the reply's trackId).

Exit status 0 when nothing was lost or duplicated, 1 otherwise, 2 when the test could not run.
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

SIGNING_KEY = "crash-test-signing-key"
MESSAGE_ID = re.compile(r"c7a5[0-9a-f]{28}")


def message_id(index):
    return f"c7a5{index:028x}"


def payload(index, conversations):
    conversation = f"c0{index % conversations:030x}"
    stamp = "2026-11-21T10:00:00Z"
    return json.dumps(
        {
            "type": "message.created",
            "conversation": {
                "id": conversation,
                "contactId": f"cc{index % conversations:030x}",
                "status": "active",
                "createdDatetime": stamp,
                "updatedDatetime": stamp,
                "lastReceivedDatetime": stamp,
            },
            "message": {
                "id": message_id(index),
                "conversationId": conversation,
                "channelId": "2ceefea7c1b8c79673215c42c1a6b916",
                "direction": "received",
                "status": "received",
                "type": "text",
                "content": {"text": f"testing {index}"},
                "createdDatetime": stamp,
                "updatedDatetime": stamp,
            },
        }
    ).encode()


def bird_payload(index, conversations):
    """A Bird platform `conversation.updated` whose last message is the customer's (bird-api.md 1d)."""
    conversation = f"c0{index % conversations:030x}"
    return json.dumps(
        {
            "service": "conversations",
            "event": "conversation.updated",
            "payload": {
                "id": conversation,
                "status": "active",
                "channelId": "crash-test-channel",
                "lastMessage": {
                    "id": message_id(index),
                    "type": "text",
                    "preview": {"text": f"testing {index}"},
                    "sender": {"id": f"cc{index % conversations:030x}", "type": "contact"},
                    "status": "delivered",
                    "createdAt": "2026-11-21T10:00:00.000Z",
                },
            },
        }
    ).encode()


def bird_signature_headers(body, url):
    """Bird platform messagebird-signature (bird-api.md 2.3): HMAC-SHA256 over ts \n full URL \n sha256(body)."""
    timestamp = str(int(time.time()))
    signed = timestamp.encode() + b"\n" + url.encode() + b"\n" + hashlib.sha256(body).digest()
    mac = hmac.new(SIGNING_KEY.encode(), signed, hashlib.sha256).digest()
    return {"messagebird-signature": base64.b64encode(mac).decode(), "messagebird-request-timestamp": timestamp}


def signature_headers(body):
    """Legacy MessageBird-Signature (bird-api.md 2.1): HMAC-SHA256 over ts \\n sortedQuery \\n sha256(body)."""
    timestamp = str(int(time.time()))
    signed = timestamp.encode() + b"\n" + b"" + b"\n" + hashlib.sha256(body).digest()
    mac = hmac.new(SIGNING_KEY.encode(), signed, hashlib.sha256).digest()
    return {"MessageBird-Signature": base64.b64encode(mac).decode(), "MessageBird-Request-Timestamp": timestamp}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fail(message):
    print(f"crash test: {message}", file=sys.stderr)
    sys.exit(2)


class Perch:
    """One `perch serve` at a time on a fixed port and store; started, killed and started again."""

    def __init__(self, binary, environment, workdir, port):
        self.binary = binary
        self.environment = environment
        self.workdir = workdir
        self.port = port
        self.process = None
        self.runs = 0
        self.up = threading.Event()
        self.terminations = []  # (exit status, seconds) of each SIGTERM

    def start(self):
        self.runs += 1
        log = open(os.path.join(self.workdir, f"perch-{self.runs}.log"), "wb")
        environment = dict(self.environment, BIRD_ACCESS_KEY=f"crash-test-access-key-{self.runs}")
        self.process = subprocess.Popen(
            [self.binary, "serve"], env=environment, stdout=log, stderr=subprocess.STDOUT, cwd=self.workdir
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                fail(f"perch exited with {self.process.returncode} at start; see {log.name}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/readyz", timeout=2) as response:
                    if response.status == 200:
                        self.up.set()
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.05)  # polling for readiness, bounded by the deadline
        fail("perch did not become ready within 60 s")

    def kill(self):
        self.up.clear()
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def terminate(self, grace):
        """SIGTERM mid-load: Perch must finish what it has in flight and exit 0 within the grace period."""
        self.up.clear()
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            status = self.process.wait(timeout=grace + 10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            fail(f"perch did not exit within {grace + 10} s of SIGTERM (grace {grace} s)")
        elapsed = time.monotonic() - started
        self.terminations.append((status, elapsed))

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            fail("perch did not stop within 60 s of SIGTERM")


def read_sends(path):
    """Arrival times of the replies per message id, from the fake's request log."""
    sends = {}
    with open(path) as log:
        for line in log:
            if not line.endswith("\n"):
                break  # a line still being written
            request = json.loads(line)
            reference = request.get("trackId") or request.get("reference") or ""
            found = MESSAGE_ID.search(reference)
            # A send the fake answered 503 (an outage) did not reach Bird: not a reply.
            if request.get("method") == "POST" and found and not request.get("failed"):
                run = request.get("key", "").rsplit("-", 1)[-1]
                sends.setdefault(found.group(0), []).append((request.get("at", 0.0), run))
    return sends


def read_replies(path):
    """Replies per message id, from the fake's request log."""
    return {mid: len(times) for mid, times in read_sends(path).items()}


def across_kills(sends):
    """Whether each send of a reply came from a different run of Perch: the resend, after a restart,
    of an action that Bird had received but the killed Perch had not yet recorded as done. (Each run
    has its own access key, which the fake logs.) Two sends by one run are a bug."""
    runs = [run for _, run in sends]
    return len(set(runs)) == len(runs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True, help="directory with perch and CrashFake")
    parser.add_argument("--repo", required=True)
    parser.add_argument("--count", type=int, default=200, help="webhooks to send")
    parser.add_argument("--kills", type=int, default=1, help="how many times to kill -9 Perch")
    parser.add_argument("--concurrency", type=int, default=16, help="webhooks in flight at once")
    parser.add_argument("--conversations", type=int, default=0, help="default: count / 4")
    parser.add_argument("--durability", default="normal", help="PERCH_STORE_DURABILITY")
    parser.add_argument(
        "--signal",
        choices=["kill", "term"],
        default="kill",
        help="kill: SIGKILL mid-load (crash); term: SIGTERM mid-load (graceful stop, must exit 0 within "
        "PERCH_SHUTDOWN_GRACE and send nothing twice)",
    )
    parser.add_argument("--grace", type=int, default=10, help="PERCH_SHUTDOWN_GRACE for --signal term")
    parser.add_argument(
        "--api",
        choices=["messagebird", "bird"],
        default="messagebird",
        help="which API's webhooks to send and reply through; on bird, a restarted Perch asks Bird before "
        "sending again, so a reply sent twice across a kill is a failure there",
    )
    parser.add_argument(
        "--outage",
        type=int,
        default=0,
        help="instead of killing Perch, make Bird answer 503 to every send for this many seconds while the "
        "webhooks arrive, then recover; every acknowledged event must be answered once, in order per "
        "conversation, with no operator action",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, store)")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="kept for older scripts: a reply sent again after a kill always fails the test now",
    )
    arguments = parser.parse_args()
    if arguments.outage:
        arguments.kills = 0
    count = arguments.count
    conversations = arguments.conversations or max(1, count // 4)

    workdir = tempfile.mkdtemp(prefix="perch-crash-")
    request_log = os.path.join(workdir, "bird-requests.jsonl")
    fake = subprocess.Popen([os.path.join(arguments.bin, "CrashFake"), request_log], stdout=subprocess.PIPE, text=True)
    line = fake.stdout.readline().split()
    if len(line) != 2 or line[0] != "port":
        fail(f"CrashFake did not print its port (got {line})")
    fake_port = int(line[1])

    port = free_port()
    environment = dict(os.environ)
    environment.update(
        {
            "PERCH_LISTEN": f"127.0.0.1:{port}",
            "PERCH_FLOWS": os.path.join(arguments.repo, "scripts/crash-test/flows"),
            "PERCH_STORE": os.path.join(workdir, "perch.sqlite"),
            "PERCH_STORE_DURABILITY": arguments.durability,
            "PERCH_RELOAD": "off",
            "PERCH_SHUTDOWN_GRACE": str(arguments.grace),
            "BIRD_API_URL": f"http://127.0.0.1:{fake_port}",
            "BIRD_WORKSPACE_ID": "crash-test-workspace",
            "BIRD_FLOW_ID": "crash-test-flow",
            "MESSAGEBIRD_API_URL": f"http://127.0.0.1:{fake_port}/v1",
            "MESSAGEBIRD_SIGNING_KEY": SIGNING_KEY,
            "BIRD_SIGNING_KEY": SIGNING_KEY,
            "PERCH_PUBLIC_URL": f"http://127.0.0.1:{port}",
        }
    )
    perch = Perch(os.path.join(arguments.bin, "perch"), environment, workdir, port)
    perch.start()

    lock = threading.Condition()
    first = {}  # message id -> outcome of the first attempt: "accepted", "duplicate", "error 503", "no answer"
    acknowledged = set()  # message ids answered 200 at any attempt
    acknowledged_count = [0]

    def send(index):
        if arguments.api == "bird":
            url = f"http://127.0.0.1:{port}/webhooks/bird"
            body = bird_payload(index, conversations)
            signed = bird_signature_headers(body, url)
        else:
            url = f"http://127.0.0.1:{port}/webhooks/messagebird"
            body = payload(index, conversations)
            signed = signature_headers(body)
        request = urllib.request.Request(
            url, data=body, method="POST", headers={"Content-Type": "application/json", **signed}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                answer = json.loads(response.read()).get("status", "?") if response.status == 200 else "?"
                outcome = answer if response.status == 200 else f"error {response.status}"
        except urllib.error.HTTPError as error:
            outcome = f"error {error.code}"
        except (urllib.error.URLError, OSError):
            outcome = "no answer"
        return outcome

    def first_attempt(index):
        perch.up.wait(timeout=120)
        if arguments.outage:
            # Spread the webhooks over the outage, so Perch takes events during the whole of it.
            time.sleep(max(0.0, started + index * arguments.outage / count - time.monotonic()))
        outcome = send(index)
        with lock:
            first[message_id(index)] = outcome
            if outcome in ("accepted", "duplicate"):
                acknowledged.add(message_id(index))
                acknowledged_count[0] += 1
                lock.notify_all()

    def killer():
        for kill in range(arguments.kills):
            threshold = count * (kill + 1) // (arguments.kills + 1)
            with lock:
                lock.wait_for(lambda: acknowledged_count[0] >= threshold or len(first) == count)
            if arguments.signal == "term":
                perch.terminate(arguments.grace)
            else:
                perch.kill()
            perch.start()

    started = time.monotonic()
    if arguments.outage:
        control = urllib.request.Request(
            f"http://127.0.0.1:{fake_port}/_fake/outage",
            data=json.dumps({"seconds": arguments.outage}).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(control, timeout=10) as response:
            if response.status != 200:
                fail(f"the fake did not start the outage (status {response.status})")
    kill_thread = threading.Thread(target=killer)
    kill_thread.start()
    with ThreadPoolExecutor(arguments.concurrency) as pool:
        list(pool.map(first_attempt, range(count)))
    kill_thread.join()
    acknowledged_first = sorted(acknowledged)

    # Bird retries every webhook that did not get a 2xx; so does the test.
    retried = [index for index in range(count) if message_id(index) not in acknowledged]
    kept_without_200 = 0
    for attempt in range(5):
        still = []
        for index in retried:
            outcome = send(index)
            if outcome in ("accepted", "duplicate"):
                acknowledged.add(message_id(index))
                if outcome == "duplicate" and attempt == 0:
                    kept_without_200 += 1
            else:
                still.append(index)
        retried = still
        if not retried:
            break
        time.sleep(1)  # Bird's retry back-off, much shortened
    never_acknowledged = len(retried)

    # Wait until every acknowledged event was answered and the inbox is empty.
    store_path = environment["PERCH_STORE"]
    deadline = time.monotonic() + 120 + arguments.outage
    while time.monotonic() < deadline:
        replies = read_replies(request_log)
        if all(replies.get(mid, 0) >= 1 for mid in acknowledged):
            break
        time.sleep(0.1)  # polling the request log, bounded by the deadline
    status = perch.stop()
    fake.send_signal(signal.SIGTERM)
    fake.wait(timeout=30)
    elapsed = time.monotonic() - started

    database = sqlite3.connect(store_path)
    unfinished = database.execute("SELECT count(*) FROM inbox WHERE done_at IS NULL").fetchone()[0]
    # Arrival order per conversation: the order Perch must answer in.
    arrivals = database.execute("SELECT conversation_key, key FROM inbox ORDER BY sequence").fetchall()
    outbox_left = database.execute("SELECT count(*) FROM outbox").fetchone()[0]
    database.close()
    recovered = 0
    for run in range(2, perch.runs + 1):
        with open(os.path.join(workdir, f"perch-{run}.log"), errors="replace") as log:
            for line in log:
                if "recovered unfinished events" in line:
                    found = re.search(r'count"?[=:]\s*"?(\d+)', line)  # text or JSON log lines
                    recovered += int(found.group(1)) if found else 0

    sends = read_sends(request_log)
    replies = {mid: len(times) for mid, times in sends.items()}
    lost = sorted(mid for mid in acknowledged if replies.get(mid, 0) == 0)
    duplicated = sorted(mid for mid, times in replies.items() if times > 1)
    # A reply sent by one run and again by the next: Bird had it, but the kill came before Perch
    # recorded it as done. Two sends by the same run are a bug.
    in_window = [mid for mid in duplicated if across_kills(sends[mid])]
    unexplained = [mid for mid in duplicated if mid not in in_window]
    once = sum(1 for mid in acknowledged if replies.get(mid, 0) == 1)
    unexpected = sorted(mid for mid in replies if mid not in acknowledged)
    lost_first = [mid for mid in acknowledged_first if replies.get(mid, 0) == 0]
    duplicated_first = [mid for mid in acknowledged_first if replies.get(mid, 0) > 1]
    no_answer = sum(1 for outcome in first.values() if outcome == "no answer")
    errors = sum(1 for outcome in first.values() if outcome.startswith("error"))

    mode = "Bird outage" if arguments.outage else "SIGTERM" if arguments.signal == "term" else "kill -9"
    print(
        f"crash test ({mode}, {arguments.api} API): {count} sent, {len(acknowledged_first)} acknowledged, "
        f"{len(acknowledged_first) - len(lost_first) - len(duplicated_first)} replied once, "
        f"{len(lost_first)} lost, {len(duplicated_first)} duplicated"
    )
    print(
        f"  {arguments.kills} {'SIGTERM' if arguments.signal == 'term' else 'kill -9'}, {recovered} events recovered after restarts; first attempts without 200: "
        f"{no_answer} no answer, {errors} errors; of those {kept_without_200} had been kept (answered 'duplicate' "
        f"on retry); after retries {len(acknowledged)} acknowledged, {once} replied once, {len(lost)} lost, "
        f"{len(duplicated)} duplicated, {never_acknowledged} never acknowledged ({len(unexpected)} of them replied, "
        f"which is allowed), {unfinished} left in the inbox; "
        f"{elapsed:.1f} s"
    )
    print(
        f"  duplicates: {len(in_window)} replies sent by a killed Perch and again after its restart "
        f"(Bird had them, Perch had not recorded them as done), {len(unexplained)} sent twice by one run"
    )
    out_of_order = []
    if arguments.outage:
        expected = {}
        for conversation, key in arrivals:
            found = MESSAGE_ID.search(key)
            if found and replies.get(found.group(0), 0) >= 1:
                expected.setdefault(conversation, []).append(found.group(0))
        for conversation, ids in expected.items():
            answered = sorted(ids, key=lambda mid: sends[mid][0][0])
            if answered != ids:
                out_of_order.append(conversation)
        print(
            f"  outage: Bird answered 503 to every send for {arguments.outage} s; "
            f"{len(out_of_order)} conversations answered out of order, {outbox_left} items left in the outbox"
        )
    problems = []
    if out_of_order:
        problems.append(f"answered out of arrival order in {len(out_of_order)} conversations: {out_of_order[:5]}")
    if arguments.outage and outbox_left:
        problems.append(f"{outbox_left} items left in the outbox after the outage")
    if arguments.outage and duplicated:
        problems.append(f"answered twice after the outage: {duplicated[:10]}")
    if lost:
        problems.append(f"lost: {lost[:10]}")
    if unexplained:
        problems.append(f"duplicated within one run of Perch: {unexplained[:10]}")
    # A restarted Perch asks Bird (both APIs) before sending a reply it has not recorded as done, and a
    # graceful stop records what it sent: nothing may be sent twice.
    if in_window:
        problems.append(f"sent again after a kill: {in_window[:10]}")
    if never_acknowledged:
        problems.append(f"{never_acknowledged} events never got a 200")
    if unfinished:
        problems.append(f"{unfinished} events left unfinished in the inbox")
    if status != 0:
        problems.append(f"perch exited with {status} after SIGTERM")
    for number, (code, seconds) in enumerate(perch.terminations, 1):
        print(f"  SIGTERM {number} under load: exit {code} after {seconds:.2f} s (grace {arguments.grace} s)")
        if code != 0:
            problems.append(f"perch exited with {code} after SIGTERM under load")
        if seconds > arguments.grace + 2:
            problems.append(f"perch took {seconds:.1f} s to stop, more than the {arguments.grace} s grace period")
    for problem in problems:
        print(f"crash test: FAILED: {problem}", file=sys.stderr)
    if problems or arguments.keep:
        print(f"crash test: logs and store kept in {workdir}", file=sys.stderr)
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
