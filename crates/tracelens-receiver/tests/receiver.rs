//! The receiver over real HTTP: protobuf, JSON, gzip, the limits, and the
//! recording read back.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::io::Write;
use support::Live;
use tracelens_model::{DatasetOptions, TraceStore};
use tracelens_receiver::ReceiverConfig;

fn sample() -> TraceStore {
    tracelens_gen::generate(tracelens_gen::GenOptions {
        traces: 3,
        spans_per_trace: 40,
        seed: 5,
    })
}

fn summary(mut stores: Vec<TraceStore>) -> serde_json::Value {
    let mut all = TraceStore::new();
    for s in stores.drain(..) {
        all.absorb(s);
    }
    let ds = tracelens_service::from_store(all, DatasetOptions::default());
    let mut v =
        serde_json::to_value(tracelens_service::summary_doc(&ds, Vec::new(), None)).unwrap();
    v.as_object_mut().unwrap().remove("sources");
    v
}

#[test]
fn protobuf_json_and_gzip_arrive_whole_and_the_recording_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("rec.jsonl");
    let live = Live::start(ReceiverConfig {
        addr: "127.0.0.1:0".parse().unwrap(),
        grpc_addr: None,
        out: Some(rec.clone()),
        ..ReceiverConfig::default()
    });
    let st = sample();
    let spans: Vec<u32> = (0..st.spans.len() as u32).collect();
    let third = spans.len() / 3;
    // One third each: protobuf, JSON, gzipped protobuf.
    let mut pb = Vec::new();
    tracelens_formats::write_otlp_proto(&st, &spans[..third], &mut pb).unwrap();
    let (s, ct, body) = live.post("application/x-protobuf", false, &pb);
    assert_eq!((s, ct.as_str()), (200, "application/x-protobuf"));
    assert!(body.is_empty(), "a full success has no partial_success");
    let mut js = Vec::new();
    tracelens_formats::write_otlp_jsonl(&st, &spans[third..2 * third], &mut js).unwrap();
    let (s, _, body) = live.post("application/json", false, &js);
    assert_eq!(s, 200);
    assert_eq!(String::from_utf8(body).unwrap(), "{}");
    let mut pb = Vec::new();
    tracelens_formats::write_otlp_proto(&st, &spans[2 * third..], &mut pb).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&pb).unwrap();
    let (s, _, _) = live.post("application/x-protobuf", true, &gz.finish().unwrap());
    assert_eq!(s, 200);
    let got = live.stop();
    assert_eq!(
        summary(got),
        summary(vec![sample()]),
        "received spans differ from those sent"
    );
    // The recording is OTLP/JSON Lines that the readers take back whole.
    let mut back = TraceStore::new();
    let rep =
        tracelens_formats::read_path(&rec, &mut back, &tracelens_formats::ReadOptions::default());
    assert!(rep.error.is_none(), "{:?}", rep.error);
    assert_eq!(summary(vec![back]), summary(vec![sample()]));
}

#[test]
fn limits_and_bad_bodies_get_the_specified_answers() {
    let live = Live::start(ReceiverConfig {
        addr: "127.0.0.1:0".parse().unwrap(),
        grpc_addr: None,
        max_body: 64 << 10,
        ..ReceiverConfig::default()
    });
    let (s, _, _) = live.post("application/x-protobuf", false, &vec![0u8; 65 << 10]);
    assert_eq!(s, 413);
    // A small gzip bomb: 1 KiB inflating far past the limit.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&vec![b'{'; 8 << 20]).unwrap();
    let (s, _, _) = live.post("application/json", true, &gz.finish().unwrap());
    assert_eq!(s, 413);
    let (s, _, _) = live.post("text/plain", false, b"hello");
    assert_eq!(s, 415);
    let (s, _, body) = live.post("application/json", false, b"{\"resourceSpans\": [ {");
    assert_eq!(s, 400, "{}", String::from_utf8_lossy(&body));
    let (s, _, _) = live.post("application/x-protobuf", true, b"not gzip");
    assert_eq!(s, 400);
    // Half good, half broken: the good spans are kept, the rest counted as rejected.
    let st = sample();
    let spans: Vec<u32> = (0..st.spans.len() as u32).collect();
    let mut js = Vec::new();
    tracelens_formats::write_otlp_jsonl(&st, &spans[..10], &mut js).unwrap();
    js.extend_from_slice(b"{\"resourceSpans\": [ {\n");
    let (s, _, body) = live.post("application/json", false, &js);
    assert_eq!(s, 200);
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert!(
        v["partialSuccess"]["rejectedSpans"]
            .as_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1,
        "{v}"
    );
    let got = live.stop();
    assert_eq!(got.iter().map(|s| s.spans.len()).sum::<usize>(), 10);
}

#[test]
fn a_full_queue_answers_429_with_retry_after_and_drops_nothing_it_accepted() {
    // A consumer that takes 1.5 s a batch, and room for one waiting batch.
    let live = Live::start_with(
        ReceiverConfig {
            addr: "127.0.0.1:0".parse().unwrap(),
            grpc_addr: None,
            queue: 1,
            ..ReceiverConfig::default()
        },
        std::time::Duration::from_millis(1500),
    );
    let st = sample();
    let spans: Vec<u32> = (0..st.spans.len() as u32).collect();
    let mut pb = Vec::new();
    tracelens_formats::write_otlp_proto(&st, &spans[..5], &mut pb).unwrap();
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(live.post("application/x-protobuf", false, &pb).0);
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    let accepted = statuses.iter().filter(|&&s| s == 200).count();
    let got = live.stop();
    assert_eq!(got.len(), accepted, "an accepted batch was lost");
}

#[test]
fn trickling_connections_time_out_and_do_not_lock_exporters_out() {
    use std::io::{Read, Write};
    // Room for 8 connections; headers must be in within 1 s.
    let live = Live::start(ReceiverConfig {
        addr: "127.0.0.1:0".parse().unwrap(),
        grpc_addr: None,
        conn: tracelens_listen::ConnLimits {
            max_connections: 8,
            header_timeout: std::time::Duration::from_secs(1),
            idle_timeout: std::time::Duration::from_secs(2),
        },
        ..ReceiverConfig::default()
    });
    // 40 connections that each send a byte of headers every 300 ms.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let addr = live.addr;
    let tricklers: Vec<_> = (0..40)
        .map(|_| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let Ok(mut s) = std::net::TcpStream::connect(addr) else {
                    return 0;
                };
                let mut sent = 0;
                for b in b"POST /v1/traces HTTP/1.1\r\nhost: x\r\nx-slow: aaaaaaaaaaaaaaaa".iter() {
                    if stop.load(std::sync::atomic::Ordering::Relaxed)
                        || s.write_all(&[*b]).is_err()
                    {
                        break;
                    }
                    sent += 1;
                    std::thread::sleep(std::time::Duration::from_millis(300));
                }
                sent
            })
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(300));
    // While they trickle, an exporter that retries as OTLP exporters do
    // gets through within a couple of header timeouts.
    let started = std::time::Instant::now();
    let mut body = Vec::new();
    tracelens_formats::write_otlp_proto(&sample(), &[0], &mut body).unwrap();
    let accepted = loop {
        if live.try_post("application/x-protobuf", &body) == Some(200) {
            break true;
        }
        if started.elapsed() > std::time::Duration::from_secs(8) {
            break false;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let sent: Vec<usize> = tricklers.into_iter().map(|t| t.join().unwrap()).collect();
    assert!(
        accepted,
        "an exporter got through in {:?}",
        started.elapsed()
    );
    // Every trickler was cut off long before its 62 bytes (18 s) were in.
    assert!(sent.iter().all(|&n| n < 20), "{sent:?}");

    // An idle keep-alive connection is closed after the idle timeout.
    let mut s = std::net::TcpStream::connect(live.addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let t = std::time::Instant::now();
    let mut buf = [0u8; 64];
    let n = s.read(&mut buf).unwrap_or(0);
    assert_eq!(n, 0, "closed without an answer");
    assert!(
        t.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        t.elapsed()
    );
    assert!(!live.stop().is_empty());
}
