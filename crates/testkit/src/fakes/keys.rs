//! An RSA key pair generated once per test process, for fake service accounts.

use std::sync::OnceLock;

use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::KeyPair as _;

/// A test RSA key pair in the encodings the fakes and the adapters need.
#[derive(Debug)]
pub struct TestKeys {
    /// The private key as a PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), as Google ships it.
    pub private_key_pem: String,
    /// The public key as a PKCS#1 `RSAPublicKey` DER, for verifying signatures.
    pub public_key_der: Vec<u8>,
}

/// The process-wide test key pair (RSA-2048, generated on first use).
pub fn test_keys() -> &'static TestKeys {
    static KEYS: OnceLock<TestKeys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let pair = KeyPair::generate(KeySize::Rsa2048).expect("generate an RSA test key");
        let pkcs8: Pkcs8V1Der<'static> = pair.as_der().expect("encode the test key");
        let private_key_pem = pem::encode(&pem::Pem::new("PRIVATE KEY", pkcs8.as_ref().to_vec()));
        TestKeys {
            private_key_pem,
            public_key_der: pair.public_key().as_ref().to_vec(),
        }
    })
}
