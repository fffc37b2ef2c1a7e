//! Certificate parsing (one certificate, PEM and DER) and the system CA store
//! (/etc/ssl/certs/ca-certificates.crt, ~150 roots) parsed, inventoried and chained.

use std::hint::black_box;

use certdoctor_core::chain;
use certdoctor_core::parsers::certs::parse_certificate_file;
use criterion::{Criterion, criterion_group, criterion_main};

const STORE: &str = "/etc/ssl/certs/ca-certificates.crt";

fn bench(c: &mut Criterion) {
    let pem = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/certs/openssl-root.pem"
    ))
    .expect("fixture");
    let file = parse_certificate_file(&pem).expect("parses");
    let der = file.certificates[0].der.clone();
    let mut g = c.benchmark_group("certificates");
    g.bench_function("parse_one_pem", |b| {
        b.iter(|| black_box(parse_certificate_file(black_box(&pem)).map(|f| f.certificates.len())))
    });
    g.bench_function("parse_one_der", |b| {
        b.iter(|| black_box(parse_certificate_file(black_box(&der)).map(|f| f.certificates.len())))
    });
    if let Ok(store) = std::fs::read(STORE) {
        let certs = parse_certificate_file(&store)
            .expect("store parses")
            .certificates;
        eprintln!("{STORE}: {} certificates", certs.len());
        g.sample_size(20);
        g.bench_function("system_store_parse_inventory_chain", |b| {
            b.iter(|| {
                let certs = parse_certificate_file(black_box(&store))
                    .expect("store")
                    .certificates;
                let roles: Vec<_> = certs.iter().map(chain::role).collect();
                let chains = chain::build_chains(&certs);
                black_box((roles.len(), chains.len()))
            })
        });
        g.bench_function("system_store_chain_only", |b| {
            b.iter(|| black_box(chain::build_chains(black_box(&certs)).len()))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
