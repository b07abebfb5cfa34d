//! A real S3-compatible server for tests, in-process: `s3s` over a temporary folder
//! (`s3s-fs`), on a random loopback port, with signature checking on.

use std::net::{SocketAddr, TcpListener as StdListener};
use std::path::Path;
use std::thread::JoinHandle;

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnBuilder;
use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;
use tempfile::TempDir;
use tokio::sync::oneshot;

/// Credentials the test server accepts.
pub const ACCESS_KEY: &str = "pursue-test-access";
/// Secret of [`ACCESS_KEY`].
pub const SECRET_KEY: &str = "pursue-test-secret-0123456789";
/// Region the test server reports (any region signs correctly).
pub const REGION: &str = "us-east-1";
/// Bucket created at start.
pub const BUCKET: &str = "pursue-test";

/// A running S3-compatible server; stops and deletes its data when dropped.
pub struct TestS3 {
    /// Base URL, `http://127.0.0.1:<port>`.
    pub endpoint: String,
    /// Address the server listens on.
    pub addr: SocketAddr,
    root: TempDir,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl TestS3 {
    /// Creates another empty bucket and returns its name.
    pub fn create_bucket(&self, name: &str) -> String {
        std::fs::create_dir_all(self.root.path().join(name)).expect("creating a bucket folder");
        name.to_owned()
    }

    /// The folder that holds the buckets (one sub-folder each).
    pub fn root(&self) -> &Path {
        self.root.path()
    }
}

impl Drop for TestS3 {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Starts a server with the bucket [`BUCKET`] on its own thread and runtime (so it works
/// under any test runtime flavour) and returns once it accepts connections.
pub fn start_s3() -> TestS3 {
    let root = tempfile::Builder::new()
        .prefix("pursue-test-s3-")
        .tempdir()
        .expect("creating the S3 data folder");
    std::fs::create_dir_all(root.path().join(BUCKET)).expect("creating the test bucket");
    let fs = s3s_fs::FileSystem::new(root.path()).expect("opening the S3 data folder");
    let service = {
        let mut builder = S3ServiceBuilder::new(fs);
        builder.set_auth(SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY));
        builder.build()
    };

    let listener = StdListener::bind("127.0.0.1:0").expect("binding the S3 port");
    listener
        .set_nonblocking(true)
        .expect("non-blocking S3 listener");
    let addr = listener.local_addr().expect("S3 listener address");
    let (shutdown_tx, mut shutdown_rx) = oneshot::channel::<()>();

    let thread = std::thread::Builder::new()
        .name("test-s3".to_owned())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("S3 server runtime");
            runtime.block_on(async move {
                let listener =
                    tokio::net::TcpListener::from_std(listener).expect("tokio S3 listener");
                let http = ConnBuilder::new(TokioExecutor::new());
                loop {
                    let socket = tokio::select! {
                        accepted = listener.accept() => match accepted {
                            Ok((socket, _)) => socket,
                            Err(_) => continue,
                        },
                        _ = &mut shutdown_rx => break,
                    };
                    let connection = http
                        .serve_connection(TokioIo::new(socket), service.clone())
                        .into_owned();
                    tokio::spawn(async move {
                        let _ = connection.await;
                    });
                }
            });
        })
        .expect("spawning the S3 server thread");

    TestS3 {
        endpoint: format!("http://{addr}"),
        addr,
        root,
        shutdown: Some(shutdown_tx),
        thread: Some(thread),
    }
}
