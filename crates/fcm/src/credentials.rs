//! Google service-account credentials (the JSON file `GOOGLE_APPLICATION_CREDENTIALS` names).

use std::fmt;
use std::path::Path;

use serde::Deserialize;

/// Google's OAuth2 token endpoint, used when the file names none.
pub const DEFAULT_TOKEN_URI: &str = "https://oauth2.googleapis.com/token";

/// Why the service-account credentials could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum CredentialsError {
    /// The file could not be read.
    #[error("cannot read the service-account file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The content is not a service-account JSON.
    #[error("the service-account JSON is invalid: {0}")]
    Invalid(String),
}

/// The fields of a service-account key file that the adapter uses.
#[derive(Clone, Deserialize)]
pub struct ServiceAccount {
    /// The account's e-mail, the JWT issuer.
    pub client_email: String,
    /// The RSA private key, PEM (PKCS#8 `PRIVATE KEY` or PKCS#1 `RSA PRIVATE KEY`).
    pub private_key: String,
    /// Id of the key, sent as the JWT's `kid` header when present.
    #[serde(default)]
    pub private_key_id: Option<String>,
    /// OAuth2 token endpoint; also the JWT audience.
    #[serde(default = "default_token_uri")]
    pub token_uri: String,
    /// The Google Cloud / Firebase project.
    #[serde(default)]
    pub project_id: Option<String>,
}

fn default_token_uri() -> String {
    DEFAULT_TOKEN_URI.to_string()
}

#[derive(Deserialize)]
struct KeyFile {
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(flatten)]
    account: ServiceAccount,
}

impl ServiceAccount {
    /// Parses a service-account key file's JSON.
    ///
    /// Errors: [`CredentialsError::Invalid`] when a field is missing or empty, the
    /// `type` is not `service_account`, or the key is not PEM.
    pub fn from_json(json: &str) -> Result<Self, CredentialsError> {
        let file: KeyFile = serde_json::from_str(json)
            .map_err(|e| CredentialsError::Invalid(without_content(&e)))?;
        if let Some(kind) = file.kind.as_deref()
            && kind != "service_account"
        {
            return Err(CredentialsError::Invalid(format!(
                "`type` is `{kind}`, expected `service_account`"
            )));
        }
        let account = file.account;
        if account.client_email.trim().is_empty() {
            return Err(CredentialsError::Invalid("`client_email` is empty".into()));
        }
        if !account.private_key.contains("PRIVATE KEY-----") {
            return Err(CredentialsError::Invalid(
                "`private_key` is not a PEM private key".into(),
            ));
        }
        if !(account.token_uri.starts_with("https://") || account.token_uri.starts_with("http://"))
        {
            return Err(CredentialsError::Invalid(
                "`token_uri` must be an http(s) URL".into(),
            ));
        }
        Ok(account)
    }

    /// Reads and parses a service-account key file.
    ///
    /// Errors: [`CredentialsError::Read`] when the file cannot be read,
    /// [`CredentialsError::Invalid`] as for [`ServiceAccount::from_json`].
    pub fn from_file(path: &Path) -> Result<Self, CredentialsError> {
        let json = std::fs::read_to_string(path).map_err(|source| CredentialsError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_json(&json)
    }
}

/// A serde error message without any echo of the input (which holds the private key).
fn without_content(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let text = text.split(" at line ").next().unwrap_or_default();
    if text.contains("PRIVATE KEY") {
        "malformed JSON".to_string()
    } else {
        text.to_string()
    }
}

impl fmt::Debug for ServiceAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceAccount")
            .field("client_email", &self.client_email)
            .field("private_key", &"<redacted>")
            .field("private_key_id", &self.private_key_id)
            .field("token_uri", &self.token_uri)
            .field("project_id", &self.project_id)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n";

    fn json(extra: &str) -> String {
        format!(
            r#"{{"type":"service_account","client_email":"push@p.iam.gserviceaccount.com",
               "private_key":{key:?}{extra}}}"#,
            key = KEY
        )
    }

    #[test]
    fn parses_the_fields_and_defaults_the_token_uri() {
        let account = ServiceAccount::from_json(&json(r#","project_id":"pursue-1""#)).unwrap();
        assert_eq!(account.client_email, "push@p.iam.gserviceaccount.com");
        assert_eq!(account.token_uri, DEFAULT_TOKEN_URI);
        assert_eq!(account.project_id.as_deref(), Some("pursue-1"));
        assert_eq!(account.private_key_id, None);
    }

    #[test]
    fn honours_a_custom_token_uri() {
        let account =
            ServiceAccount::from_json(&json(r#","token_uri":"http://127.0.0.1:9/token""#)).unwrap();
        assert_eq!(account.token_uri, "http://127.0.0.1:9/token");
    }

    #[test]
    fn refuses_other_key_types_and_missing_fields() {
        let other = json("").replace("service_account", "authorized_user");
        assert!(ServiceAccount::from_json(&other).is_err());
        assert!(ServiceAccount::from_json(r#"{"client_email":"a@b"}"#).is_err());
        let no_pem = json("").replace("PRIVATE KEY", "SOMETHING");
        assert!(ServiceAccount::from_json(&no_pem).is_err());
    }

    #[test]
    fn debug_output_hides_the_private_key() {
        let account = ServiceAccount::from_json(&json("")).unwrap();
        let shown = format!("{account:?}");
        assert!(!shown.contains("MIIB"));
        assert!(shown.contains("<redacted>"));
    }

    #[test]
    fn a_missing_file_is_a_read_error() {
        let err = ServiceAccount::from_file(Path::new("/nonexistent/sa.json")).unwrap_err();
        assert!(matches!(err, CredentialsError::Read { .. }));
    }
}
