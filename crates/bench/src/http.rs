//! A small JSON client for the API under test.

use anyhow::bail;
use reqwest::{Client, Method};
use serde_json::Value;

/// The API at a base URL.
#[derive(Clone)]
pub struct Api {
    /// Shared connection pool.
    pub client: Client,
    /// e.g. `http://127.0.0.1:8080`.
    pub base: String,
}

impl Api {
    /// A client for `base` keeping up to `connections` idle connections.
    pub fn new(base: &str, connections: usize) -> anyhow::Result<Self> {
        let client = Client::builder()
            .pool_max_idle_per_host(connections.max(1))
            .timeout(std::time::Duration::from_secs(60))
            .build()?;
        Ok(Self {
            client,
            base: base.trim_end_matches('/').to_string(),
        })
    }

    /// Builds a request to `path` with an optional bearer token and JSON body.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> reqwest::RequestBuilder {
        let method = Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET);
        let mut req = self
            .client
            .request(method, format!("{}{}", self.base, path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        req
    }

    /// Sends and answers the status only (0 on a transport error), reading the body.
    pub async fn status(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> u16 {
        match self.request(method, path, token, body).send().await {
            Ok(res) => {
                let status = res.status().as_u16();
                let _ = res.bytes().await;
                status
            }
            Err(_) => 0,
        }
    }

    /// Sends and fails unless the status is `want`; answers the JSON body.
    pub async fn expect(
        &self,
        want: u16,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> anyhow::Result<Value> {
        let res = self
            .request(method, path, token, body.as_ref())
            .send()
            .await?;
        let status = res.status().as_u16();
        let text = res.text().await?;
        if status != want {
            bail!("{method} {path}: {status} (wanted {want}): {text}");
        }
        Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}
