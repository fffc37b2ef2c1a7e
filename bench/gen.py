#!/usr/bin/env python3
"""Deterministic synthetic inputs for bench/run.sh.

  gen.py OUT_DIR  ->  omadm-50MB.log, omadm-200MB.log, bundle-20MB.zip,
                      long-line-64MB.log, sysdiagnose-{100,200,300}MB.tar.gz

The OMADM logs are Company Portal noise (session chatter, policy checks, UI events,
the odd stack trace and lines that share words with SCEP messages) with the real SCEP
sample logs of tests/fixtures/android/ buried in it about every 2 MB. The bundle holds
OMADM logs (20 MB inflated) plus every certificate of tests/fixtures/certs/. The
long-line log is one SCEP sample block followed by a single 64 MiB record that never
ends in a newline (a SyncML payload dumped whole), to show it is read in bounded memory.
The sysdiagnose-shaped archives (.tar.gz of 100, 200 and 300 MB compressed) hold a
sysdiagnose's layout: the real unified-log files of tests/fixtures/unified-log (string
stores, timesync) and copies of its iPad log file as the logarchive's Persist/*.tracev3
files, the MCState fixtures, an iOS text log, and other members to pad them to size
(text logs that compress like text, binary blobs that do not), in the order a tar of the
folder could give them.
Same bytes on every run (fixed seed, no clock).
"""
import gzip
import tarfile
import io
import os
import random
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "tests", "fixtures")

CLASSES = [
    "com.microsoft.omadm.client.OmadmSessionRunner",
    "com.microsoft.omadm.syncml.SyncmlSession",
    "com.microsoft.omadm.platforms.android.policy.PasswordPolicyManager",
    "com.microsoft.omadm.ui.NotificationHelper",
    "com.microsoft.omadm.client.tasks.TaskScheduler",
    "com.microsoft.intune.companyportal.net.AuthenticationInterceptor",
    "com.microsoft.omadm.apppolicy.ApplicationPolicyChecker",
    "com.microsoft.omadm.platforms.android.wifimgr.WifiProfileManager",
    "com.microsoft.omadm.database.OMADMDatabase",
    "com.microsoft.omadm.client.telemetry.TelemetryClient",
]
MESSAGES = [
    "Starting OMA-DM session (trigger: {trigger})",
    "Session completed with status 200",
    "Processing {n} commands",
    "Checking compliance of policy {guid}",
    "Policy {guid} is compliant",
    "Notification channel created: {word}",
    "Scheduling task {word} in {n} ms",
    "Task {word} finished in {n} ms",
    "Token acquired for resource https://manage.microsoft.com (expires in {n} s)",
    "Database upgrade not needed, version {n}",
    "Telemetry event queued: {word} ({n} bytes)",
    "Wi-Fi configuration {guid} unchanged",
    "Battery optimisation exemption granted",
    "Network state: connected, metered=false, type=WIFI",
    "Heartbeat sent, next in {n} s",
    "App inventory has {n} entries",
]
# Realistic lines that share words with SCEP messages (prefilter false positives).
LOOKALIKES = [
    "Received {n} commands from server",
    "Sending {n} results to server",
    "There are no pending notifications",
]
WORDS = ["sync", "inventory", "compliance", "checkin", "heartbeat", "telemetry", "policy"]
TRIGGERS = ["push", "scheduled", "user", "boot"]
LEVELS = ["INFO", "VERB", "VERB", "VERB", "INFO", "WARN"]


def fixture_blocks():
    d = os.path.join(FIX, "android")
    out = []
    for name in sorted(os.listdir(d)):
        if name.endswith(".log"):
            with open(os.path.join(d, name), "rb") as f:
                data = f.read()
            if not data.endswith(b"\n"):
                data += b"\n"
            out.append(data)
    return out


def noise_line(rng, t):
    cls = rng.choice(CLASSES)
    msgs = LOOKALIKES if rng.random() < 0.01 else MESSAGES
    msg = rng.choice(msgs).format(
        trigger=rng.choice(TRIGGERS), n=rng.randrange(1, 90000),
        guid="%08x-%04x-%04x-%04x-%012x" % (rng.getrandbits(32), rng.getrandbits(16),
                                           rng.getrandbits(16), rng.getrandbits(16),
                                           rng.getrandbits(48)),
        word=rng.choice(WORDS))
    secs = t // 10_000_000
    frac = t % 10_000_000
    day, rem = divmod(secs, 86400)
    h, rem = divmod(rem, 3600)
    m, s = divmod(rem, 60)
    ts = "2019-10-%02dT%02d:%02d:%02d.%07d" % (1 + day % 28, h, m, s, frac)
    pid = 9000 + (t // 7_000_000_000) % 900
    line = "%s    %s    Event     %s    %d    %5d    %s\n" % (
        ts, rng.choice(LEVELS), cls, pid, rng.randrange(1, 40), msg)
    if rng.random() < 0.002:
        line += "java.lang.IllegalStateException: cursor window closed\n"
        line += "".join("\tat com.microsoft.omadm.database.Cursor.get%d(Cursor.java:%d)\n"
                        % (i, rng.randrange(10, 900)) for i in range(rng.randrange(3, 12)))
    return line


def write_log(path, size, seed):
    rng = random.Random(seed)
    blocks = fixture_blocks()
    t = 0
    written = 0
    next_block = 1 << 20
    k = 0
    with open(path, "wb") as f:
        buf = []
        while written < size:
            line = noise_line(rng, t).encode()
            t += rng.randrange(1_000_000, 40_000_000)
            buf.append(line)
            written += len(line)
            if written >= next_block:
                b = blocks[k % len(blocks)]
                k += 1
                buf.append(b)
                written += len(b)
                next_block += 2 << 20
            if len(buf) > 4096:
                f.write(b"".join(buf))
                buf = []
        f.write(b"".join(buf))
    return k


def write_bundle(path, seed):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        tmp = path + ".tmp"
        for i in range(4):
            write_log(tmp, 5 << 20, seed + i)
            z.write(tmp, "Logs/OMADMLog_%d.log" % i)
        os.remove(tmp)
        certs = os.path.join(FIX, "certs")
        for name in sorted(os.listdir(certs)):
            if name.endswith((".pem", ".p7b", ".cer", ".der", ".crt")):
                z.write(os.path.join(certs, name), "Certificates/" + name)


def write_long_line(path, size):
    blocks = fixture_blocks()
    with open(path, "wb") as f:
        f.write(blocks[0])
        f.write(b"2020-05-11T14:00:00.0000000    VERB    "
                b"com.microsoft.omadm.syncml.SyncmlSession    30117    00512    Payload: ")
        piece = (b"PFN5bmNNTD48U3luY0hkcj48VmVyRFREPjEuMjwvVmVyRFREPjwvU3luY0hkcj4"
                 b"8U3luY0JvZHk+PFN0YXR1cz48Q21kSUQ+MTwvQ21kSUQ+PC9TdGF0dXM+") * 512
        written = 0
        while written < size:
            f.write(piece)
            written += len(piece)


def write_sysdiagnose(path, size, seed):
    """A sysdiagnose-shaped .tar.gz of about `size` bytes compressed."""
    rng = random.Random(seed)
    ul = os.path.join(FIX, "unified-log")
    root = "sysdiagnose_2024.01.07_23-20-38-0500_iPhone-OS_iPhone_20F66"
    la = root + "/system_logs.logarchive"
    tracev3 = open(os.path.join(ul, "0000000000000f85.tracev3"), "rb").read()
    ios_text = open(os.path.join(FIX, "ios", "console-scep-installed.log"), "rb").read()

    raw = open(path, "wb")
    gz = gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0)
    tar = tarfile.open(fileobj=gz, mode="w|", format=tarfile.GNU_FORMAT)

    def add(name, data):
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mtime = 1704665000
        info.mode = 0o644
        tar.addfile(info, io.BytesIO(data))

    for rel in ["uuidtext/00/7EF56328D53A78B59CCCE3E3189F57",
                "uuidtext/22/0D3C2953A33917B333DD8366AC25F2",
                "uuidtext/dsc/8E21CAB1DCF936B49F85CF860E6F34EC",
                "timesync/0000000000000002.timesync"]:
        add(la + "/" + rel.replace("uuidtext/", ""), open(os.path.join(ul, rel), "rb").read())
    for name in ["MDM.plist", "MCProfileEvents.plist", "profile-scep-binary.stub"]:
        target = "profile-0a1b2c.stub" if name.endswith(".stub") else name
        add(root + "/logs/MCState/Shared/" + target, open(os.path.join(FIX, "mcstate", name), "rb").read())
    add(root + "/logs/profiled-console.log", ios_text)
    n = 0
    while raw.tell() < size:
        n += 1
        add("%s/Persist/%016x.tracev3" % (la, 0x1000 + n), tracev3)
        add("%s/logs/Other/blob-%05d.bin" % (root, n), rng.randbytes(512 * 1024))
        lines = []
        total = 0
        while total < 1 << 20:
            line = "%s kernel[0]: <Notice> wlan%d: rssi %d noise %d channel %d\n" % (
                "Jan  7 23:%02d:%02d" % (rng.randrange(60), rng.randrange(60)),
                rng.randrange(2), -rng.randrange(30, 90), -rng.randrange(80, 100), rng.randrange(1, 165))
            lines.append(line)
            total += len(line)
        add("%s/logs/Other/system-%05d.log" % (root, n), "".join(lines).encode())
    tar.close()
    gz.close()
    raw.close()
    return n


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "bench/data"
    os.makedirs(out, exist_ok=True)
    for mb in (50, 200):
        p = os.path.join(out, "omadm-%dMB.log" % mb)
        if not os.path.exists(p) or os.path.getsize(p) < mb << 20:
            n = write_log(p, mb << 20, 7)
            print("wrote %s (%d SCEP sample blocks)" % (p, n))
    p = os.path.join(out, "bundle-20MB.zip")
    if not os.path.exists(p):
        write_bundle(p, 11)
        print("wrote %s" % p)
    for mb in (100, 200, 300):
        p = os.path.join(out, "sysdiagnose-%dMB.tar.gz" % mb)
        if not os.path.exists(p) or os.path.getsize(p) < mb << 20:
            n = write_sysdiagnose(p, mb << 20, 13)
            print("wrote %s (%d log files)" % (p, n))
    p = os.path.join(out, "long-line-64MB.log")
    if not os.path.exists(p) or os.path.getsize(p) < 64 << 20:
        write_long_line(p, 64 << 20)
        print("wrote %s" % p)


if __name__ == "__main__":
    main()
