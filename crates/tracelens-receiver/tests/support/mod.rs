//! A receiver on its own thread and runtime, for the tests: start it, send to
//! it, stop it and get every batch it accepted.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tracelens_model::TraceStore;
use tracelens_receiver::{run, ReceiverConfig};

/// A running receiver.
pub struct Live {
    pub addr: SocketAddr,
    pub grpc_addr: Option<SocketAddr>,
    got: Arc<Mutex<Vec<TraceStore>>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Live {
    /// Starts a receiver on its own runtime and thread; what it accepts is
    /// collected for `stop`.
    pub fn start(cfg: ReceiverConfig) -> Live {
        Live::start_with(cfg, std::time::Duration::ZERO)
    }

    /// A receiver whose consumer takes `per_batch` for each batch.
    pub fn start_with(cfg: ReceiverConfig, per_batch: std::time::Duration) -> Live {
        let got: Arc<Mutex<Vec<TraceStore>>> = Arc::default();
        let sink = got.clone();
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                run(
                    cfg,
                    move |b| {
                        std::thread::sleep(per_batch);
                        sink.lock().unwrap().push(b);
                    },
                    |r| addr_tx.send((r.addr, r.grpc_addr)).unwrap(),
                    async {
                        let _ = stop_rx.await;
                    },
                )
                .await
                .unwrap();
            });
        });
        let (addr, grpc_addr) = addr_rx
            .recv_timeout(std::time::Duration::from_secs(30))
            .unwrap();
        Live {
            addr,
            grpc_addr,
            got,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// The status of a POST, or None when the connection failed (refused,
    /// reset, closed by the server's limits).
    pub fn try_post(&self, ctype: &str, body: &[u8]) -> Option<u16> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(std::time::Duration::from_secs(10)))
            .build()
            .into();
        let r = agent
            .post(&format!("http://{}/v1/traces", self.addr))
            .header("Content-Type", ctype)
            .send(body)
            .ok()?;
        Some(r.status().as_u16())
    }

    pub fn post(&self, ctype: &str, gzip: bool, body: &[u8]) -> (u16, String, Vec<u8>) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(std::time::Duration::from_secs(30)))
            .build()
            .into();
        let mut req = agent
            .post(&format!("http://{}/v1/traces", self.addr))
            .header("Content-Type", ctype);
        if gzip {
            req = req.header("Content-Encoding", "gzip");
        }
        let mut r = req.send(body).unwrap();
        let ct = r
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        (r.status().as_u16(), ct, r.body_mut().read_to_vec().unwrap())
    }

    pub fn stop(mut self) -> Vec<TraceStore> {
        let _ = self.stop.take().unwrap().send(());
        self.thread.take().unwrap().join().unwrap();
        std::mem::take(&mut *self.got.lock().unwrap())
    }
}
