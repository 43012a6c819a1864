//! Decode cost: pages the bench writes itself, decoded into the models and into
//! `serde_json::Value`: 200 users (every user field populated, custom profile attributes), and
//! 200 applications (a union: each is buffered to read its `signOnMode`, then its subtype is
//! decoded).

use crate::floor::BoxError;
use crate::stats::median;
use serde_json::{Value, json};
use std::time::Instant;

/// One user with every field of the model set, and custom profile attributes.
pub fn user(i: usize) -> Value {
    let ts = "2026-01-02T03:04:05.000Z";
    json!({
        "id": format!("00u{i:017}"),
        "status": "ACTIVE",
        "transitioningToStatus": "ACTIVE",
        "created": ts, "activated": ts, "statusChanged": ts, "lastLogin": ts,
        "lastUpdated": ts, "passwordChanged": ts,
        "realmId": "guo1afiNtSnZYILxO0g4",
        "type": {"id": "oty1bench"},
        "profile": profile(i, ts),
        "credentials": {
            "password": {},
            "recovery_question": {"question": "Who's a good boy?"},
            "provider": {"type": "OKTA", "name": "OKTA"},
            "emails": [{"value": format!("user{i}@example.com"), "status": "VERIFIED", "type": "PRIMARY"}]
        },
        "_links": {
            "self": {"href": format!("https://example.okta.com/api/v1/users/00u{i:017}")},
            "suspend": {"href": "https://example.okta.com/api/v1/users/x/lifecycle/suspend", "method": "POST"},
            "resetPassword": {"href": "https://example.okta.com/api/v1/users/x/lifecycle/reset_password", "method": "POST"},
            "type": {"href": "https://example.okta.com/api/v1/meta/types/user/oty1bench"}
        }
    })
}

/// Every standard profile attribute, and custom ones of several JSON types.
fn profile(i: usize, ts: &str) -> Value {
    json!({
            "login": format!("user{i}@example.com"), "email": format!("user{i}@example.com"),
            "secondEmail": format!("other{i}@example.com"), "firstName": "Ada", "lastName": format!("Lovelace{i}"),
            "middleName": "King", "honorificPrefix": "Ms.", "honorificSuffix": "PhD", "title": "Engineer",
            "displayName": "Ada Lovelace", "nickName": "ada", "profileUrl": "https://example.com/ada",
            "primaryPhone": "+1 555 0100", "mobilePhone": "+1 555 0101", "streetAddress": "1 Main St",
            "city": "San Francisco", "state": "CA", "zipCode": "94105", "postalAddress": "1 Main St, SF",
            "countryCode": "US", "preferredLanguage": "en", "locale": "en_US", "timezone": "America/Los_Angeles",
            "userType": "Employee", "employeeNumber": format!("{i}"), "costCenter": "R&D", "organization": "Example",
            "division": "Engineering", "department": "Platform", "managerId": "00umanager", "manager": "Grace Hopper",
            "favoriteColor": "teal", "shoeSize": 38, "badges": ["a", "b"], "onCall": true,
            "badgeIssued": ts, "meta": {"team": "identity", "floor": 3}
    })
}

/// One application of a few sign-on modes, with the fields Okta sends for each.
pub fn application(i: usize) -> Value {
    let ts = "2026-01-02T03:04:05.000Z";
    let (mode, name, settings) = match i % 3 {
        0 => (
            "BOOKMARK",
            "bookmark".to_string(),
            json!({"app": {"url": format!("https://example.com/{i}"), "requestIntegration": false}}),
        ),
        1 => (
            "AUTO_LOGIN",
            format!("app{i}"),
            json!({"app": {}, "signOn": {"loginUrl": "https://example.com/login", "redirectUrl": "https://example.com/"}}),
        ),
        _ => (
            "BASIC_AUTH",
            "template_basic_auth".to_string(),
            json!({"app": {"url": "https://example.com/basic", "authURL": "https://example.com/auth"}}),
        ),
    };
    json!({
        "id": format!("0oa{i:017}"), "name": name, "label": format!("App {i}"), "status": "ACTIVE",
        "created": ts, "lastUpdated": ts, "signOnMode": mode,
        "accessibility": {"selfService": false},
        "visibility": {"autoSubmitToolbar": false, "hide": {"iOS": false, "web": false}, "appLinks": {"login": true}},
        "credentials": {"scheme": "EDIT_USERNAME_AND_PASSWORD", "userNameTemplate": {"template": "${source.login}", "type": "BUILT_IN"}},
        "settings": settings,
        "_links": {
            "self": {"href": format!("https://example.okta.com/api/v1/apps/0oa{i:017}")},
            "users": {"href": "https://example.okta.com/api/v1/apps/x/users"},
            "logo": [{"name": "medium", "href": "https://example.okta.com/logo.png", "type": "image/png"}]
        }
    })
}

/// Median microseconds to decode one 200-item page: (into `T`, into `Value`). The page must
/// round-trip through `T` unchanged, so nothing is dropped to get the speed.
fn measure_page<T: serde::de::DeserializeOwned + serde::Serialize>(
    what: &str,
    page: Vec<Value>,
    batches: usize,
) -> Result<(f64, f64), BoxError> {
    let text = serde_json::to_vec(&page)?;
    let typed: Vec<T> = serde_json::from_slice(&text)?;
    let back = serde_json::to_value(&typed)?;
    if let Some((sent, got)) = page
        .iter()
        .zip(back.as_array().into_iter().flatten())
        .find(|(a, b)| a != b)
    {
        return Err(format!(
            "the generated {what} page does not round-trip through the models: {sent} came back as {got}"
        )
        .into());
    }
    let per_batch = 10;
    let (mut t_typed, mut t_value) = (Vec::new(), Vec::new());
    for _ in 0..batches {
        let t = Instant::now();
        for _ in 0..per_batch {
            let v: Vec<T> = serde_json::from_slice(&text)?;
            std::hint::black_box(v);
        }
        t_typed.push(t.elapsed().as_secs_f64() * 1e6 / per_batch as f64);
        let t = Instant::now();
        for _ in 0..per_batch {
            let v: Value = serde_json::from_slice(&text)?;
            std::hint::black_box(v);
        }
        t_value.push(t.elapsed().as_secs_f64() * 1e6 / per_batch as f64);
    }
    Ok((median(&t_typed), median(&t_value)))
}

/// Median microseconds to decode one page, (into the models, into `Value`): 200 users, then
/// 200 applications.
pub fn measure(batches: usize) -> Result<[(f64, f64); 2], BoxError> {
    Ok([
        measure_page::<okta_sdk::models::User>("user", (0..200).map(user).collect(), batches)?,
        measure_page::<okta_sdk::models::Application>("application", (0..200).map(application).collect(), batches)?,
    ])
}
