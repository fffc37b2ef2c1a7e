//! Log scan throughput: an OMADM log of Company Portal noise with the real SCEP samples
//! buried in it, through the whole session (sniff, hash, decode, fast path, parser,
//! diagnosis, report) and through the decoder + parser alone, fast path vs every line.

use std::hint::black_box;
use std::sync::Arc;

use certdoctor_core::input::LineDecoder;
use certdoctor_core::parsers::android::AndroidParser;
use certdoctor_core::parsers::{Feed, LogParser};
use certdoctor_core::{Format, Lang, Options, Session};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn synthetic_log(size: usize) -> Vec<u8> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/android");
    let mut samples: Vec<Vec<u8>> = std::fs::read_dir(dir)
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .map(|p| std::fs::read(p).expect("fixture"))
        .collect();
    samples.sort();
    let classes = [
        "com.microsoft.omadm.client.OmadmSessionRunner",
        "com.microsoft.omadm.syncml.SyncmlSession",
        "com.microsoft.omadm.platforms.android.policy.PasswordPolicyManager",
        "com.microsoft.omadm.client.tasks.TaskScheduler",
    ];
    let msgs = [
        "Checking compliance of policy 0c3f5a9e-1b2c-4d5e-8f90-123456789abc",
        "Task checkin finished in 812 ms",
        "Network state: connected, metered=false, type=WIFI",
        "Telemetry event queued: heartbeat (512 bytes)",
    ];
    let mut out = Vec::with_capacity(size + 4096);
    let mut i = 0usize;
    let mut next = 1 << 20;
    while out.len() < size {
        out.extend_from_slice(
            format!(
                "2019-10-22T07:{:02}:{:02}.{:07}    INFO    Event     {}    9595    {:5}    {}\n",
                (i / 60) % 60,
                i % 60,
                i % 10_000_000,
                classes[i % classes.len()],
                i % 40,
                msgs[(i / 3) % msgs.len()]
            )
            .as_bytes(),
        );
        if out.len() >= next {
            out.extend_from_slice(&samples[i % samples.len()]);
            out.push(b'\n');
            next += 2 << 20;
        }
        i += 1;
    }
    out
}

fn options() -> Options {
    Options {
        now: time::OffsetDateTime::from_unix_timestamp(1_700_000_000).expect("constant"),
        redact: true,
        lang: Lang::En,
    }
}

fn bench(c: &mut Criterion) {
    let log = synthetic_log(16 << 20);
    let mut g = c.benchmark_group("log_scan");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(log.len() as u64));
    g.bench_function("session_16MiB_to_json", |b| {
        b.iter(|| {
            let mut s = Session::new(options());
            s.add_reader("OMADM.log", &mut &log[..]);
            black_box(s.finish().render(Format::Json).len())
        })
    });
    g.bench_function("fast_path_16MiB", |b| {
        b.iter(|| {
            let mut p = AndroidParser::new(Arc::from("OMADM.log"));
            let skim = p.skim().expect("fast path");
            let mut d = LineDecoder::new();
            for chunk in log.chunks(256 * 1024) {
                d.push_skim(chunk, skim, &mut Feed(&mut p));
            }
            d.finish_skim(skim, &mut Feed(&mut p));
            black_box(p.finish().events.len())
        })
    });
    g.bench_function("every_line_16MiB", |b| {
        b.iter(|| {
            let mut p = AndroidParser::new(Arc::from("OMADM.log"));
            let mut d = LineDecoder::new();
            for chunk in log.chunks(256 * 1024) {
                d.push(chunk, &mut |n, l| p.line(n, l));
            }
            d.finish(&mut |n, l| p.line(n, l));
            black_box(p.finish().events.len())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
