//! Where the engine's AWS credentials come from: static keys from the
//! configuration, or (with the cargo feature `default-credentials`) the AWS
//! default credential chain.

use aws_credential_types::Credentials;
use connector_core::EngineError;

use crate::config::StaticCredentials;
use crate::error::LexError;

/// The engine's credentials.
pub(crate) enum CredentialSource {
    Static(Credentials),
    #[cfg(feature = "default-credentials")]
    Chain(aws_credential_types::provider::SharedCredentialsProvider),
}

impl CredentialSource {
    /// From the configuration: static keys, or the default chain for `region`.
    pub(crate) fn from_config(
        credentials: Option<&StaticCredentials>,
        region: &str,
    ) -> Result<Self, LexError> {
        match credentials {
            Some(keys) => Self::from_keys(keys),
            None => Self::default_chain(region),
        }
    }

    fn from_keys(keys: &StaticCredentials) -> Result<Self, LexError> {
        if keys.access_key_id.trim().is_empty() {
            return Err(LexError::invalid("credentials.access_key_id", "is empty"));
        }
        if keys.secret_access_key.is_empty() {
            return Err(LexError::invalid(
                "credentials.secret_access_key",
                "is empty",
            ));
        }
        Ok(Self::Static(Credentials::new(
            keys.access_key_id.trim(),
            keys.secret_access_key.expose(),
            keys.session_token.as_ref().map(|t| t.expose().to_owned()),
            None,
            "bot-connector-config",
        )))
    }

    #[cfg(not(feature = "default-credentials"))]
    fn default_chain(_region: &str) -> Result<Self, LexError> {
        Err(LexError::NoCredentials)
    }

    #[cfg(feature = "default-credentials")]
    fn default_chain(region: &str) -> Result<Self, LexError> {
        use aws_credential_types::provider::SharedCredentialsProvider;

        // The chain is built lazily on first use: building it is async.
        let region = aws_config::Region::new(region.to_owned());
        let provider = LazyChain {
            region,
            chain: tokio::sync::OnceCell::new(),
        };
        Ok(Self::Chain(SharedCredentialsProvider::new(provider)))
    }

    /// Credentials for the next call.
    pub(crate) async fn get(&self) -> Result<Credentials, EngineError> {
        match self {
            Self::Static(c) => Ok(c.clone()),
            #[cfg(feature = "default-credentials")]
            Self::Chain(provider) => {
                use aws_credential_types::provider::ProvideCredentials;
                provider.provide_credentials().await.map_err(|e| {
                    EngineError::transient(
                        crate::error::codes::CREDENTIALS,
                        format!(
                            "no AWS credentials from the default chain: {e}; set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile, or an instance role"
                        ),
                    )
                })
            }
        }
    }
}

#[cfg(feature = "default-credentials")]
#[derive(Debug)]
struct LazyChain {
    region: aws_config::Region,
    chain:
        tokio::sync::OnceCell<aws_config::default_provider::credentials::DefaultCredentialsChain>,
}

#[cfg(feature = "default-credentials")]
impl aws_credential_types::provider::ProvideCredentials for LazyChain {
    fn provide_credentials<'a>(
        &'a self,
    ) -> aws_credential_types::provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        aws_credential_types::provider::future::ProvideCredentials::new(async move {
            let chain = self
                .chain
                .get_or_init(|| async {
                    aws_config::default_provider::credentials::DefaultCredentialsChain::builder()
                        .region(self.region.clone())
                        .build()
                        .await
                })
                .await;
            chain.provide_credentials().await
        })
    }
}

impl std::fmt::Debug for CredentialSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Static(_) => f.write_str("static keys"),
            #[cfg(feature = "default-credentials")]
            Self::Chain(_) => f.write_str("AWS default credential chain"),
        }
    }
}

#[cfg(test)]
mod tests {
    use connector_core::Secret;

    use super::*;

    #[test]
    fn empty_keys_are_named() {
        let keys = StaticCredentials::new(" ", Secret::new("x"));
        let err = CredentialSource::from_config(Some(&keys), "us-east-1").unwrap_err();
        assert!(
            err.to_string().contains("credentials.access_key_id"),
            "{err}"
        );
        let keys = StaticCredentials::new("AKID", Secret::new(""));
        let err = CredentialSource::from_config(Some(&keys), "us-east-1").unwrap_err();
        assert!(
            err.to_string().contains("credentials.secret_access_key"),
            "{err}"
        );
    }

    #[cfg(not(feature = "default-credentials"))]
    #[test]
    fn missing_keys_without_the_feature_say_how_to_enable_it() {
        let err = CredentialSource::from_config(None, "us-east-1").unwrap_err();
        assert!(err.to_string().contains("default-credentials"), "{err}");
    }
}
