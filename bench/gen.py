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
sysdiagnose's layout: copies of the real iPad log file of tests/fixtures/unified-log as
the logarchive's Persist/*.tracev3 files, string stores and a clock file that match it
(the fixture's own belong to other systems, so these are made here: one uuidtext file per
image its catalogs name, holding the image path only, an empty shared-cache string file,
a timesync file for its boot; the fixture's two real uuidtext files and timesync file
beside them), the MCState fixtures, an iOS text log, and other members to pad them to
size (text logs that compress like text, binary blobs that do not), string stores first,
the order a tar of the folder usually gives.
Same bytes on every run (fixed seed, no clock).
"""
import gzip
import tarfile
import io
import os
import random
import struct
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


# The iPad log file's images (the main UUIDs of its catalogs' processes, as
# macos-unifiedlogs reads them; rust-core/src/parsers/unified_log/eager_tests.rs checks
# the count), its shared cache and its boot.
IPAD_IMAGES = """
    080621A88415313881D13255531F0E03 083F3F6FBDEA3013A9004DB81F1E3B2E
    0C3FF623606434368C6CFF00FFCC96BC 122081AE861B3ACBAA39956A5D3621A4
    191AAF39CAA6384DA59143318EEBD9D5 1AD714206F8830A8894AB07CB9D38FDC
    227E179567C33C07BB2863463F703D47 34BED1DDBCAB3085B9DD487DFC4FBBC3
    3536BE73FE763B6496D89C807BA77BBF 3A6611C40EA93F4494AED2C132D3300A
    3F69A05F327B389B8081FF0A2BF767A9 43254BFA4E8C360BA0B004DF163C3745
    4B164634274C3CC48781707AD6D6475D 4C6AEB99D7E936F9B83DAFDDBB8905F5
    4FC429D641C93E5EAD003EC643046F8D 5271993370D6355D94F997F9841C03E0
    548944D2BE733A79BE2BF551FEC95749 624BC3ED733E3B58B61851D1A28CE53D
    6934FE6C55493ACF86C7D0283130AA53 6CB5D926E3063D028D342D7A6D59B9C2
    6F5AF53849CA3E37AC830E7A76A58FA1 735D87749EBE373080DF55D22A64A969
    77CC0D49829434F082A16F79E13B2133 79D2BCF112E6386289FD64A54F587432
    80A3427DE3363BA4ADA1BBFBAD0AD05B 8108667E7CFA3C59BF749AAA1660AA3B
    8134CFBDC9A43096AB97CCF3F795C942 8306EDB9E89934DEBEF55FD19EDFE40C
    87491B7C09AD3F8BB15DC849ADFEFEA3 885A25B4DAF5334FB401ED67C1746AD9
    8A030282EF343C46BEFDC49F2988C8BA 8AA80E4A6EF73F819B449E9400ED57DE
    92646D92893631CFAE9BD475B05A01B9 94D9F8A87E493330AE52BB11508AF7B5
    9739896CBD01379A9F175A78D78AC415 9BC2CBB3332F33A0BBDDCE14D5DB7AFD
    9FAB0A58F87A3484AF3287F5613D04CD A183F62291463D3B88A625FCC7D8CFC0
    A314028776953E8F876E936B86663EEF A503600213713BCFA977C4C303F96B46
    A9D6F7E1ADE3387A9D10ABED7AD8D6F6 A9D9BB1E009F325BA56F9D6EE771833A
    AB1735294C34372EB0B1219FAC090011 AD414B8991C13B06B88B931159F3C12E
    AD880568FF083EB0A11B737A461780FE AE9B48024D3B387988FB0B950B707884
    B8B284D384F13368A24A27907245609E BB7F93E4D2013022B8AD9744865A331B
    C0C6740C1A2B30DB83C5139F554C1990 C5768B1459BF379F953FF8D679454B40
    CC5DEEB2A99D3DD08B0F1B96D16E9701 CD15CA88171330E9A8F3049FA5FBF9A5
    CDF35EB31FB6365B860BA7B18F99BD51 D06562F2499A30E3B504D8B33C7C62E4
    D446EBDA201D397F9BED8FB13597A647 D5A2BDF85C5E34DCA530EF59A6121E41
    D681DF007E8A3258B56CDC8DE26CF18B D8EBB6F6B7303FBB909072FF1170BB58
    D940C8B140333590A1CEABBCCDFDC557 DA4F3EFECF533EAAA7EB2495CDE3522D
    EA8F84BE6EBC3D46BB21CB018308F6F9 F14291991ED232BB904D05818DD3D638
    F2E3E477098A35FDBB0DA05816B3E673 FA642769236B312FA8AD3E959402C0AD
    FD4C650DDD09359D9BA5F3EFFFD6E8A8
""".split()
IPAD_DSC = "671E082086AB3339A38401EFBD8017A4"
IPAD_BOOT = "A6EBC8E30A1C40E893B9DA3A7F671D19"


def matching_stores():
    """(path in the logarchive, bytes) of string stores and a clock file for the iPad log."""
    out = []
    for i, uuid in enumerate(IPAD_IMAGES):
        image = "/usr/libexec/profiled" if i == 0 else "/usr/libexec/synthetic%02d" % i
        out.append(("%s/%s" % (uuid[:2], uuid[2:]),
                    struct.pack("<IIII", 0x66778899, 2, 1, 0) + image.encode() + b"\0"))
    out.append(("dsc/" + IPAD_DSC, b"hcsd" + struct.pack("<HHII", 1, 0, 0, 0)))
    wall = 1645660800 * 10**9  # 2022-02-24T00:00:00Z, the clock at boot
    boot = struct.pack("<HHI", 0xbbb0, 48, 0) + bytes.fromhex(IPAD_BOOT) + \
        struct.pack("<IIqII", 125, 3, wall, 0, 0)
    sync = struct.pack("<IIQqII", 0x207354, 0, 0, wall, 0, 0)
    out.append(("timesync/0000000000000001.timesync", boot + sync))
    return out


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
                "timesync/0000000000000002.timesync"]:
        add(la + "/" + rel.replace("uuidtext/", ""), open(os.path.join(ul, rel), "rb").read())
    for rel, data in matching_stores():
        add(la + "/" + rel, data)
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
