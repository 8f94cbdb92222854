//! Benchmarks of the dispatch loop: a realistic mix, each provider's best
//! case, mail that is no bounce (the worst case), the prefilter alone,
//! end-to-end decoding of one message to JSON, and (when the shared corpus is
//! beside the checkout) the whole corpus: parsing alone, and decoding.

use bounce_benches::{not_a_bounce, samples};
use bounce_core::{Decoder, Mail};
use criterion::{criterion_main, BenchmarkId, Criterion, Throughput};
use std::collections::BTreeMap;
use std::hint::black_box;

fn dispatch(c: &mut Criterion) {
    let registry = bounce_providers::registry().unwrap();
    let decoder = Decoder::new(registry);
    let samples = samples();
    let total: usize = samples.iter().map(|s| s.bytes.len()).sum();

    let mut group = c.benchmark_group("dispatch");
    group.throughput(Throughput::Bytes(total as u64));
    group.bench_function("mix", |b| {
        b.iter(|| {
            for s in &samples {
                let _ = black_box(decoder.decode(&s.bytes, "bench"));
            }
        })
    });
    let plain = not_a_bounce();
    group.throughput(Throughput::Bytes(plain.len() as u64));
    group.bench_function("not-a-bounce", |b| {
        b.iter(|| decoder.decode(black_box(&plain), "bench"))
    });
    group.bench_function("prefilter-only", |b| {
        let mail = Mail::parse(&plain).unwrap();
        b.iter(|| decoder.candidates(black_box(&mail)))
    });
    group.finish();

    // Best case per provider: its first fixture.
    let mut by_provider: BTreeMap<String, &[u8]> = BTreeMap::new();
    for s in &samples {
        if let Ok(d) = decoder.decode(&s.bytes, "bench") {
            if let Some(id) = d.decoder {
                by_provider.entry(id.to_owned()).or_insert(&s.bytes);
            }
        }
    }
    let mut group = c.benchmark_group("provider");
    for (id, bytes) in &by_provider {
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(id), bytes, |b, bytes| {
            b.iter(|| decoder.decode(black_box(bytes), "bench"))
        });
    }
    group.finish();

    let example =
        std::fs::read(bounce_benches::root().join("examples/postfix-user-unknown.eml")).unwrap();
    c.bench_function("end-to-end/one-message-to-json", |b| {
        let mut out = Vec::with_capacity(4096);
        b.iter(|| {
            out.clear();
            for f in decoder.decode(black_box(&example), "bench").unwrap().facts {
                serde_json::to_writer(&mut out, &f).unwrap();
                out.push(b'\n');
            }
            black_box(out.len())
        })
    });
}

/// The whole shared corpus, when it is there: `Mail::parse` alone, and the
/// full decode. Skipped silently without the corpus.
fn corpus(c: &mut Criterion) {
    let Some(samples) = bounce_benches::corpus() else {
        return;
    };
    let decoder = Decoder::new(bounce_providers::registry().unwrap());
    let normalized: Vec<Vec<u8>> = samples
        .iter()
        .map(|s| bounce_core::text::normalize_newlines(&s.bytes).into_owned())
        .collect();
    let total: usize = samples.iter().map(|s| s.bytes.len()).sum();
    let mut group = c.benchmark_group("corpus");
    group.throughput(Throughput::Bytes(total as u64));
    group.bench_function("mail-parse", |b| {
        b.iter(|| {
            for bytes in &normalized {
                black_box(Mail::parse(bytes).map(|m| m.body().len()));
            }
        })
    });
    group.bench_function("decode", |b| {
        b.iter(|| {
            for s in &samples {
                let _ = black_box(decoder.decode(&s.bytes, "bench"));
            }
        })
    });
    group.finish();
}

/// The groups; in a private module, as `criterion_group!` makes an
/// undocumented public function.
mod groups {
    use super::{corpus, dispatch};
    criterion::criterion_group!(benches, dispatch, corpus);
}

criterion_main!(groups::benches);
