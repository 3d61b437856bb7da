//! The crypto provider and the trust configuration.

use std::fmt;
use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use rustls::{ClientConfig, RootCertStore};

/// The crypto provider of every TLS connection: rustls' `aws-lc-rs`.
#[must_use]
pub fn crypto_provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// Installs [`crypto_provider`] as rustls' process-wide default, for code
/// that asks rustls for it instead of naming one. Call it first thing in
/// `main`; calling it again (or after another provider was installed) does
/// nothing.
pub fn install_crypto_provider() {
    // Err only when a default is installed already: that one stays, and
    // every configuration built here names its provider anyway.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
}

/// Which root certificates to trust.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Roots {
    /// Mozilla's root list, compiled in (`webpki-roots`): the same on every
    /// machine, including containers without a CA store. The default.
    #[default]
    Webpki,
    /// The operating system's store (`rustls-native-certs`), which honours
    /// `SSL_CERT_FILE` and `SSL_CERT_DIR`.
    Native,
}

/// Why a trust configuration cannot be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TlsError {
    /// The system store has no usable certificate.
    #[error(
        "no root certificate found in the system store ({reason}); install the CA certificates package, set SSL_CERT_FILE, or use the bundled roots (`roots = \"webpki\"`)"
    )]
    NoNativeRoots {
        /// What the loader reported.
        reason: String,
    },
    /// An extra CA bundle holds no certificate.
    #[error(
        "the CA bundle holds no PEM certificate; give a file with `-----BEGIN CERTIFICATE-----` blocks"
    )]
    NoCertificate,
    /// An extra CA certificate cannot be used.
    #[error("a CA certificate in the bundle cannot be used ({reason}); check the file")]
    BadCertificate {
        /// Why.
        reason: String,
    },
}

/// The root certificates every TLS connection trusts: [`Roots`] plus extra
/// CA certificates. Cheap to clone (the built configuration is shared).
#[derive(Clone)]
pub struct Trust {
    roots: Roots,
    extra: Vec<CertificateDer<'static>>,
    config: Arc<ClientConfig>,
}

impl Default for Trust {
    /// Mozilla's roots, no extra CA.
    fn default() -> Self {
        let store = webpki_store();
        Self {
            roots: Roots::Webpki,
            extra: Vec::new(),
            config: build(store),
        }
    }
}

impl fmt::Debug for Trust {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Trust")
            .field("roots", &self.roots)
            .field("extra_cas", &self.extra.len())
            .finish()
    }
}

fn webpki_store() -> RootCertStore {
    RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    }
}

fn build(store: RootCertStore) -> Arc<ClientConfig> {
    let config = ClientConfig::builder_with_provider(crypto_provider())
        .with_safe_default_protocol_versions()
        // The aws-lc-rs provider supports the default versions.
        .unwrap_or_else(|_| unreachable!("aws-lc-rs supports TLS 1.2 and 1.3"))
        .with_root_certificates(store)
        .with_no_client_auth();
    Arc::new(config)
}

fn store(roots: Roots, extra: &[CertificateDer<'static>]) -> Result<RootCertStore, TlsError> {
    let mut store = match roots {
        Roots::Webpki => webpki_store(),
        Roots::Native => {
            let found = rustls_native_certs::load_native_certs();
            let mut store = RootCertStore::empty();
            let (added, _) = store.add_parsable_certificates(found.certs);
            if added == 0 {
                let reason = found
                    .errors
                    .first()
                    .map_or_else(|| "the store is empty".to_owned(), ToString::to_string);
                return Err(TlsError::NoNativeRoots { reason });
            }
            store
        }
    };
    for cert in extra {
        store
            .add(cert.clone())
            .map_err(|e| TlsError::BadCertificate {
                reason: e.to_string(),
            })?;
    }
    Ok(store)
}

impl Trust {
    /// Trusts `roots`.
    ///
    /// # Errors
    ///
    /// [`TlsError::NoNativeRoots`] when [`Roots::Native`] finds no usable
    /// certificate.
    pub fn new(roots: Roots) -> Result<Self, TlsError> {
        Ok(Self {
            roots,
            extra: Vec::new(),
            config: build(store(roots, &[])?),
        })
    }

    /// Also trusts every certificate of a PEM bundle.
    ///
    /// # Errors
    ///
    /// [`TlsError::NoCertificate`] when the bundle has none,
    /// [`TlsError::BadCertificate`] when one cannot be parsed or used.
    pub fn with_extra_ca_pem(mut self, pem: &[u8]) -> Result<Self, TlsError> {
        let mut added = 0;
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|e| TlsError::BadCertificate {
                reason: e.to_string(),
            })?;
            self.extra.push(cert);
            added += 1;
        }
        if added == 0 {
            return Err(TlsError::NoCertificate);
        }
        self.config = build(store(self.roots, &self.extra)?);
        Ok(self)
    }

    /// Which roots are trusted.
    #[must_use]
    pub fn roots(&self) -> Roots {
        self.roots
    }

    /// How many extra CA certificates are trusted.
    #[must_use]
    pub fn extra_ca_count(&self) -> usize {
        self.extra.len()
    }

    /// The rustls client configuration (for a WebSocket connector such as
    /// tokio-tungstenite's `Connector::Rustls`).
    #[must_use]
    pub fn client_config(&self) -> Arc<ClientConfig> {
        Arc::clone(&self.config)
    }

    /// A `reqwest` client builder on this trust and provider (set timeouts
    /// and the rest on it, then `build`).
    pub fn http_client_builder(&self) -> reqwest::ClientBuilder {
        reqwest::Client::builder().tls_backend_preconfigured((*self.config).clone())
    }
}
