//! The floor: the same work written by hand with reqwest and serde_json, decoding into the same
//! model types, following the `Link` header, and (for private-key auth) fetching one access token
//! with a client assertion signed by jsonwebtoken. It sends the SDK's `User-Agent` (set on its
//! reqwest client, as a hand-written client would), so that both send the same request and the
//! fake org, which shares the machine's two cores, does the same work for each.

use okta_sdk::models::{User, UserGetSingleton};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue, LINK};
use std::error::Error;

pub type BoxError = Box<dyn Error + Send + Sync>;

/// The hand-written client's reqwest client: the SDK's `User-Agent`, and with `timeouts` the
/// SDK's default timeouts too (connect 30 s, read 60 s), so a run can tell what the read
/// timeout's timer costs (`--hand-timeouts`). reqwest's defaults are otherwise left as they are.
fn http(user_agent: HeaderValue, timeouts: bool) -> reqwest::Result<reqwest::Client> {
    let builder = reqwest::Client::builder().user_agent(user_agent);
    let builder = if timeouts {
        builder
            .connect_timeout(std::time::Duration::from_secs(30))
            .read_timeout(okta_sdk::runtime::config::DEFAULT_READ_TIMEOUT)
    } else {
        builder
    };
    builder.build()
}

/// A hand-written client: one reqwest client and one `Authorization` value.
#[derive(Clone)]
pub struct Floor {
    http: reqwest::Client,
    base: String,
    auth: HeaderValue,
}

impl Floor {
    /// A client that sends `SSWS <token>` (and `user_agent`).
    pub fn ssws(base: &str, token: &str, user_agent: HeaderValue, timeouts: bool) -> Result<Self, BoxError> {
        Ok(Self {
            http: http(user_agent, timeouts)?,
            base: base.trim_end_matches('/').to_string(),
            auth: HeaderValue::from_str(&format!("SSWS {token}"))?,
        })
    }

    /// A client that gets one access token with a private-key client assertion, then sends
    /// `Bearer <token>` (and `user_agent`).
    pub async fn private_key(
        base: &str,
        client_id: &str,
        private_pem: &str,
        scope: &str,
        user_agent: HeaderValue,
        timeouts: bool,
    ) -> Result<Self, BoxError> {
        let http = http(user_agent, timeouts)?;
        let base = base.trim_end_matches('/').to_string();
        let audience = format!("{base}/oauth2/v1/token");
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_secs();
        let claims = serde_json::json!({
            "iss": client_id, "sub": client_id, "aud": audience,
            "iat": now, "exp": now + 300, "jti": format!("floor-{now}-{}", rand::random::<u64>()),
        });
        let key = jsonwebtoken::EncodingKey::from_ec_pem(private_pem.as_bytes())?;
        let assertion = jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256),
            &claims,
            &key,
        )?;
        let form = [
            ("grant_type", "client_credentials"),
            ("scope", scope),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", assertion.as_str()),
        ];
        let answer = http
            .post(&audience)
            .header(ACCEPT, "application/json")
            .form(&form)
            .send()
            .await?;
        if !answer.status().is_success() {
            return Err(format!("token request: HTTP {}", answer.status()).into());
        }
        let body: serde_json::Value = serde_json::from_slice(&answer.bytes().await?)?;
        let token = body["access_token"]
            .as_str()
            .ok_or("token answer without access_token")?;
        Ok(Self {
            http,
            base,
            auth: HeaderValue::from_str(&format!("Bearer {token}"))?,
        })
    }

    async fn get(&self, url: &str) -> Result<(HeaderMap, bytes::Bytes), BoxError> {
        let answer = self
            .http
            .get(url)
            .header(AUTHORIZATION, self.auth.clone())
            .header(ACCEPT, "application/json")
            .send()
            .await?;
        if !answer.status().is_success() {
            return Err(format!("GET {url}: HTTP {}", answer.status()).into());
        }
        let headers = answer.headers().clone();
        Ok((headers, answer.bytes().await?))
    }

    /// `GET /api/v1/users/{id}` into the model type the SDK's `get_user` returns.
    pub async fn get_user(&self, id: &str) -> Result<UserGetSingleton, BoxError> {
        let (_, body) = self.get(&format!("{}/api/v1/users/{id}", self.base)).await?;
        Ok(serde_json::from_slice(&body)?)
    }

    /// Every user, `limit` per page, following `Link: <...>; rel="next"`; returns the count.
    pub async fn count_users(&self, limit: u32) -> Result<usize, BoxError> {
        let mut next = Some(format!("{}/api/v1/users?limit={limit}", self.base));
        let mut n = 0;
        while let Some(url) = next {
            let (headers, body) = self.get(&url).await?;
            let users: Vec<User> = serde_json::from_slice(&body)?;
            n += users.len();
            next = next_link(&headers);
        }
        Ok(n)
    }
}

/// The `rel="next"` target of the `Link` headers.
fn next_link(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(LINK)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .find(|part| part.contains("rel=\"next\""))
        .and_then(|part| {
            let start = part.find('<')? + 1;
            let end = part.find('>')?;
            part.get(start..end).map(str::to_string)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_link_is_found_among_several() {
        let mut h = HeaderMap::new();
        h.append(
            LINK,
            HeaderValue::from_static("<http://x/api/v1/users?limit=2>; rel=\"self\""),
        );
        h.append(
            LINK,
            HeaderValue::from_static("<http://x/api/v1/users?after=b&limit=2>; rel=\"next\""),
        );
        assert_eq!(next_link(&h).as_deref(), Some("http://x/api/v1/users?after=b&limit=2"));
        assert_eq!(next_link(&HeaderMap::new()), None);
    }
}
