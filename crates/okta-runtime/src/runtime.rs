//! [`Runtime`]: the state every clone of a client shares, and the request pipeline.

use crate::auth::{AccessToken, Authenticator, OAuthClient};
use crate::config::{AuthConfig, Config};
use crate::error::Error;
use crate::operation::OperationMeta;
use crate::wire;
use std::sync::Arc;

/// The runtime state shared by every clone of a client.
#[derive(Clone, Debug)]
pub struct Runtime {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    auth: Authenticator,
    http: reqwest::Client,
}

impl Default for Runtime {
    fn default() -> Self {
        Self::new()
    }
}

/// Installs rustls' ring provider as the process default if none is installed yet (reqwest is
/// built without a provider of its own; see the workspace Cargo.toml). Idempotent.
pub fn ensure_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The default `User-Agent` product token.
pub(crate) fn user_agent(extra: Option<&str>) -> String {
    let base = format!(
        "okta-sdk-rust/{} {}/{}",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    );
    match extra {
        Some(e) => format!("{base} {e}"),
        None => base,
    }
}

impl Runtime {
    /// A runtime that sends requests as they are (no authentication).
    pub fn new() -> Self {
        ensure_tls_provider();
        Self {
            inner: Arc::new(Inner {
                auth: Authenticator::None,
                http: reqwest::Client::new(),
            }),
        }
    }

    /// A runtime that authenticates with an Okta API token (`Authorization: SSWS <token>`).
    pub fn with_api_token(token: &str) -> Result<Self, Error> {
        ensure_tls_provider();
        Ok(Self {
            inner: Arc::new(Inner {
                auth: Authenticator::fixed("SSWS", token)?,
                http: reqwest::Client::new(),
            }),
        })
    }

    /// A runtime for a validated configuration, with an HTTP client built from it
    /// (connection timeout, proxy and credentials, user agent, rustls).
    pub fn from_config(config: &Config) -> Result<Self, Error> {
        ensure_tls_provider();
        Self::from_config_with_client(config, http_client(config)?)
    }

    /// A runtime for a validated configuration that uses the caller's HTTP client for the
    /// token endpoint (custom TLS roots, proxies).
    pub fn from_config_with_client(config: &Config, http: reqwest::Client) -> Result<Self, Error> {
        let auth = match &config.auth {
            AuthConfig::Ssws { token } => Authenticator::fixed("SSWS", token.expose())?,
            AuthConfig::Bearer { token } => Authenticator::fixed("Bearer", token.expose())?,
            AuthConfig::PrivateKey {
                client_id,
                scopes,
                signer,
            } => Authenticator::OAuth(Arc::new(OAuthClient::new(
                http.clone(),
                &config.org_url,
                client_id.clone(),
                scopes,
                signer.clone(),
                config.dpop,
            )?)),
        };
        Ok(Self {
            inner: Arc::new(Inner { auth, http }),
        })
    }

    /// The HTTP client the runtime built (or was given).
    pub fn http_client(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// How many token requests this runtime has sent (0 unless it uses private-key auth).
    pub fn token_requests(&self) -> u64 {
        self.inner.auth.token_requests()
    }

    /// Sends one request of operation `op` and returns the response as the generated code
    /// expects it. Runtime failures come back as a synthetic response (see [`crate::error`]).
    pub async fn execute(
        &self,
        client: &reqwest::Client,
        mut request: reqwest::Request,
        op: Option<&'static OperationMeta>,
    ) -> reqwest::Result<reqwest::Response> {
        if let Some(op) = op {
            wire::prepare_request(&mut request, op);
        }
        match self.send(client, request).await {
            Ok(response) => match op {
                Some(op) => wire::adapt_response(response, op).await,
                None => Ok(response),
            },
            Err(Failure::Transport(e)) => Err(e),
            Err(Failure::Runtime(e)) => Ok(e.into_response()),
        }
    }

    /// Authenticates and sends; on 401 under OAuth renews the token once and retries once,
    /// and follows a resource server's `use_dpop_nonce` a bounded number of times.
    async fn send(
        &self,
        client: &reqwest::Client,
        mut request: reqwest::Request,
    ) -> Result<reqwest::Response, Failure> {
        let mut stale: Option<Arc<AccessToken>> = None;
        let mut renewed = false;
        let mut nonce_rounds = 0;
        loop {
            // A streaming body cannot be cloned; such a request is sent once.
            let retry = request.try_clone();
            let token = self
                .inner
                .auth
                .authorize(&mut request, stale.as_ref())
                .await
                .map_err(|e| Failure::Runtime(e.into()))?;
            let response = client.execute(request).await.map_err(Failure::Transport)?;
            let (Authenticator::OAuth(oauth), Some(token), Some(next)) = (&self.inner.auth, token, retry) else {
                return Ok(response);
            };
            if response.status() != reqwest::StatusCode::UNAUTHORIZED {
                return Ok(response);
            }
            if token.dpop && nonce_rounds < crate::auth::MAX_NONCE_ROUNDS && oauth.resource_nonce_demanded(&response) {
                nonce_rounds += 1;
                tracing::debug!(round = nonce_rounds, "resource server asked for a DPoP nonce; retrying");
            } else if renewed {
                return Ok(response);
            } else {
                tracing::debug!("401 with an access token; renewing it and retrying once");
                renewed = true;
                stale = Some(token);
            }
            request = next;
        }
    }
}

enum Failure {
    Transport(reqwest::Error),
    Runtime(Error),
}

/// The HTTP client the configuration asks for.
fn http_client(config: &Config) -> Result<reqwest::Client, Error> {
    let mut builder = reqwest::Client::builder()
        .connect_timeout(config.connection_timeout)
        .user_agent(user_agent(config.user_agent.as_deref()));
    if let Some(proxy) = &config.proxy {
        let mut p = reqwest::Proxy::all(format!("http://{}:{}", proxy.host, proxy.port)).map_err(Error::Transport)?;
        if let Some((user, password)) = &proxy.credentials {
            p = p.basic_auth(user, password.expose());
        }
        builder = builder.proxy(p);
    }
    builder.build().map_err(Error::Transport)
}
