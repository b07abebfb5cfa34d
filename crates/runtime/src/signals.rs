//! Waiting for the process to be asked to stop.

use tokio::sync::Notify;

/// Returns on SIGTERM, SIGINT (Ctrl-C) or when `trigger` is notified.
pub async fn wait_for_stop(trigger: &Notify) {
    use tokio::signal::unix::{SignalKind, signal};
    let terminate = async {
        match signal(SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        _ = terminate => {},
        _ = tokio::signal::ctrl_c() => {},
        _ = trigger.notified() => {},
    }
}
