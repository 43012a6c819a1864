//! Decode cost: a 200-user page the bench writes itself (every user field populated, custom
//! profile attributes) decoded into the models and into `serde_json::Value`.

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

/// Median microseconds to decode one 200-user page: (into the models, into `Value`).
pub fn measure(batches: usize) -> Result<(f64, f64), BoxError> {
    let page: Vec<Value> = (0..200).map(user).collect();
    let text = serde_json::to_vec(&page)?;
    // Both decoders must accept the page, and the typed one must keep every field.
    let typed: Vec<okta::models::User> = serde_json::from_slice(&text)?;
    if serde_json::to_value(&typed)? != Value::Array(page) {
        return Err("the generated page does not round-trip through the models".into());
    }
    let per_batch = 10;
    let (mut t_typed, mut t_value) = (Vec::new(), Vec::new());
    for _ in 0..batches {
        let t = Instant::now();
        for _ in 0..per_batch {
            let v: Vec<okta::models::User> = serde_json::from_slice(&text)?;
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
