//! Credentials: `SSWS` API tokens, and access tokens from `/oauth2/v1/token` for service
//! apps that sign a client assertion (private-key JWT), optionally DPoP-bound. Access tokens
//! carry scopes (`okta.users.read`, `okta.groups.manage`, ...) that resource calls need.

use crate::error::{OktaError, oauth_error};
use crate::state::{IssuedToken, Org};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The scope an endpoint needs: `okta.<area>.read` for GET, `okta.<area>.manage` otherwise.
fn required_scope(method: &Method, path: &str) -> Option<String> {
    let rest = path.strip_prefix("/api/v1/")?;
    let area = match rest.split('/').next()? {
        "users" => "users",
        "groups" => "groups",
        "apps" => "apps",
        "meta" => "schemas",
        other => other,
    };
    let access = if method == Method::GET { "read" } else { "manage" };
    Some(format!("okta.{area}.{access}"))
}

fn has_scope(granted: &HashSet<String>, needed: &str) -> bool {
    granted.contains(needed)
        || needed
            .strip_suffix(".read")
            .is_some_and(|area| granted.contains(&format!("{area}.manage")))
}

/// Checks the credential of a resource request.
pub(crate) fn authorize(org: &Org, method: &Method, path: &str, headers: &HeaderMap) -> Result<(), OktaError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(OktaError::invalid_token)?;
    let (scheme, credential) = value.split_once(' ').ok_or_else(OktaError::invalid_token)?;
    match scheme {
        "SSWS" if credential == org.api_token => Ok(()),
        "Bearer" | "DPoP" => {
            let tokens = org
                .tokens
                .read()
                .map_err(|_| OktaError::server(StatusCode::INTERNAL_SERVER_ERROR))?;
            let token = tokens.get(credential).ok_or_else(OktaError::invalid_token)?;
            let dpop_ok = if token.dpop {
                scheme == "DPoP" && headers.contains_key("dpop")
            } else {
                scheme == "Bearer"
            };
            if token.expires < Instant::now() || !dpop_ok {
                return Err(OktaError::invalid_token());
            }
            match required_scope(method, path) {
                Some(scope) if !has_scope(&token.scopes, &scope) => Err(OktaError::insufficient_scope(path)),
                _ => Ok(()),
            }
        }
        _ => Err(OktaError::invalid_token()),
    }
}

/// The claims of a JWT, read without checking its signature (to find whose key checks it).
fn unverified_claims(jwt: &str) -> Option<Value> {
    let payload = jwt.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn unverified_header(jwt: &str) -> Option<Value> {
    let head = jwt.split('.').next()?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(head).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn decoding_key(pem: &str, alg: Algorithm) -> Option<DecodingKey> {
    match alg {
        Algorithm::RS256
        | Algorithm::RS384
        | Algorithm::RS512
        | Algorithm::PS256
        | Algorithm::PS384
        | Algorithm::PS512 => DecodingKey::from_rsa_pem(pem.as_bytes()).ok(),
        Algorithm::ES256 | Algorithm::ES384 => DecodingKey::from_ec_pem(pem.as_bytes()).ok(),
        _ => None,
    }
}

/// A token-endpoint refusal (boxed: a `Response` is large).
type Refusal = Box<Response>;

fn invalid_client(description: &str) -> Refusal {
    Box::new(oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", description))
}

/// Checks the client assertion; gives the client id.
fn verify_assertion(org: &Org, assertion: &str, audiences: &[String]) -> Result<crate::state::ServiceApp, Refusal> {
    let claims = unverified_claims(assertion).ok_or_else(|| invalid_client("The client_assertion is not a JWT."))?;
    let client_id = claims
        .get("iss")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid_client("The client_assertion token is missing 'iss'."))?;
    let app = org
        .apps
        .read()
        .ok()
        .and_then(|apps| apps.get(client_id).cloned())
        .ok_or_else(|| invalid_client("Invalid value for 'client_id' parameter."))?;
    let header =
        jsonwebtoken::decode_header(assertion).map_err(|_| invalid_client("The client_assertion is not a JWT."))?;
    let key = decoding_key(&app.public_key_pem, header.alg)
        .ok_or_else(|| invalid_client("The client_assertion signature algorithm does not match the registered key."))?;
    let mut validation = Validation::new(header.alg);
    validation.set_audience(audiences);
    validation.set_issuer(&[client_id]);
    validation.sub = Some(client_id.to_string());
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    let data = jsonwebtoken::decode::<Value>(assertion, &key, &validation)
        .map_err(|e| invalid_client(&format!("The client_assertion token is invalid: {e}.")))?;
    let exp = data.claims.get("exp").and_then(Value::as_i64).unwrap_or(0);
    let iat = data.claims.get("iat").and_then(Value::as_i64).unwrap_or(exp);
    if exp - iat > 3600 {
        return Err(invalid_client(
            "The client_assertion token has an expiration too far into the future.",
        ));
    }
    let jti = data
        .claims
        .get("jti")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid_client("The client_assertion token is missing 'jti'."))?;
    let fresh = org.used_jtis.lock().is_ok_and(|mut used| used.insert(jti.to_string()));
    if !fresh {
        return Err(invalid_client("The client_assertion token has already been used."));
    }
    Ok(app)
}

/// Checks a DPoP proof's shape and nonce (its signature is not checked).
fn check_dpop(org: &Org, proof: &str) -> Result<(), Refusal> {
    let bad = |d: &str| Box::new(oauth_error(StatusCode::BAD_REQUEST, "invalid_dpop_proof", d));
    let head = unverified_header(proof).ok_or_else(|| bad("The DPoP proof is not a JWT."))?;
    if head.get("typ").and_then(Value::as_str) != Some("dpop+jwt") || head.get("jwk").is_none() {
        return Err(bad("The DPoP proof must have typ 'dpop+jwt' and a 'jwk'."));
    }
    let claims = unverified_claims(proof).ok_or_else(|| bad("The DPoP proof is not a JWT."))?;
    if claims.get("nonce").and_then(Value::as_str) != Some(org.dpop_nonce.as_str()) {
        let mut response = oauth_error(
            StatusCode::BAD_REQUEST,
            "use_dpop_nonce",
            "Authorization server requires nonce in DPoP proof.",
        );
        if let Ok(v) = HeaderValue::from_str(&org.dpop_nonce) {
            response.headers_mut().insert("dpop-nonce", v);
        }
        return Err(Box::new(response));
    }
    Ok(())
}

/// `POST /oauth2/v1/token`: the client-credentials grant with a client assertion.
pub(crate) async fn token(State(org): State<Arc<Org>>, headers: HeaderMap, body: Bytes) -> Response {
    org.counters.token_requests.fetch_add(1, Ordering::Relaxed);
    let form: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    if field("grant_type") != Some("client_credentials") {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "The authorization grant type is not supported by the authorization server.",
        );
    }
    let (Some(ASSERTION_TYPE), Some(assertion)) = (field("client_assertion_type"), field("client_assertion")) else {
        return *invalid_client("Client authentication failed: a client_assertion of type jwt-bearer is required.");
    };
    let mut audiences = vec![format!("{}/oauth2/v1/token", org.base)];
    if let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) {
        audiences.push(format!("http://{host}/oauth2/v1/token"));
    }
    let app = match verify_assertion(&org, assertion, &audiences) {
        Ok(app) => app,
        Err(response) => return *response,
    };
    let requested: Vec<&str> = field("scope").unwrap_or("").split_whitespace().collect();
    if requested.is_empty() {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            "The authorization server resource does not have any configured default scopes, 'scope' must be provided.",
        );
    }
    let allowed =
        |s: &str| s.starts_with("okta.") && app.scopes.as_ref().is_none_or(|granted| granted.iter().any(|g| g == s));
    if !requested.iter().all(|s| allowed(s)) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            "One or more scopes are not configured for the authorization server resource.",
        );
    }
    let proof = headers.get("dpop").and_then(|v| v.to_str().ok());
    match proof {
        None if app.require_dpop => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_dpop_proof",
                "The DPoP proof JWT header is missing.",
            );
        }
        Some(p) => {
            if let Err(response) = check_dpop(&org, p) {
                return *response;
            }
        }
        None => {}
    }
    let access_token = format!("mock.{}", crate::ids::random_chars(40));
    let issued = IssuedToken {
        scopes: requested.iter().map(|s| s.to_string()).collect(),
        expires: Instant::now() + org.token_lifetime,
        dpop: proof.is_some(),
    };
    if let Ok(mut tokens) = org.tokens.write() {
        tokens.insert(access_token.clone(), issued);
    }
    axum::Json(json!({
        "token_type": if proof.is_some() { "DPoP" } else { "Bearer" },
        "expires_in": org.token_lifetime.as_secs(),
        "access_token": access_token,
        "scope": requested.join(" "),
    }))
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_follow_the_area_and_manage_implies_read() {
        assert_eq!(
            required_scope(&Method::GET, "/api/v1/users/00u1").as_deref(),
            Some("okta.users.read")
        );
        assert_eq!(
            required_scope(&Method::PUT, "/api/v1/groups/g/users/u").as_deref(),
            Some("okta.groups.manage")
        );
        assert_eq!(
            required_scope(&Method::POST, "/api/v1/meta/schemas/group/default").as_deref(),
            Some("okta.schemas.manage")
        );
        assert_eq!(
            required_scope(&Method::GET, "/api/v1/logs").as_deref(),
            Some("okta.logs.read")
        );
        let granted: HashSet<String> = ["okta.users.manage".to_string()].into();
        assert!(has_scope(&granted, "okta.users.read"));
        assert!(!has_scope(&granted, "okta.groups.read"));
    }
}
