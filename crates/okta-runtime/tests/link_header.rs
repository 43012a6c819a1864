//! Property test: any list of links, formatted any legal way (quoted or bare values, `rel`
//! lists, commas and semicolons inside quoted values, escapes, extra whitespace, split over
//! several headers), parses back to the same targets and parameters.

use okta_runtime::pagination::{self, link};
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Spec {
    target: String,
    rels: Vec<String>,
    params: Vec<(String, String)>,
    quote_rel: bool,
    ws: String,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        "[a-z0-9]{1,12}",
        proptest::collection::vec("[a-z]{1,8}", 1..4),
        proptest::collection::vec(("[a-qs-z][a-z]{0,5}", "[ -~]{0,16}"), 0..3),
        any::<bool>(),
        "[ \t]{0,3}",
    )
        .prop_map(|(cursor, rels, params, quote_rel, ws)| Spec {
            target: format!("https://dev.okta.com/api/v1/users?after={cursor}&limit=200"),
            rels,
            params,
            quote_rel,
            ws,
        })
}

fn quote(v: &str) -> String {
    format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
}

fn format_link(s: &Spec) -> String {
    let ws = &s.ws;
    let rel = s.rels.join(" ");
    let rel = if s.quote_rel || s.rels.len() > 1 {
        quote(&rel)
    } else {
        rel
    };
    let mut out = format!("{ws}<{}>{ws};{ws}rel{ws}={ws}{rel}", s.target);
    for (k, v) in &s.params {
        let bare = !v.is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric());
        let v = if bare { v.clone() } else { quote(v) };
        out.push_str(&format!("{ws};{ws}{k}={v}"));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn formatted_links_parse_back(links in proptest::collection::vec(spec(), 1..5), split in 1usize..4) {
        let mut headers = http::HeaderMap::new();
        let per = links.len().div_ceil(split);
        for chunk in links.chunks(per.max(1)) {
            let value = chunk.iter().map(format_link).collect::<Vec<_>>().join(",");
            headers.append(http::header::LINK, http::HeaderValue::from_str(&value).expect("ascii"));
        }
        let parsed = link::parse_all(&headers);
        prop_assert_eq!(parsed.len(), links.len());
        for (p, s) in parsed.iter().zip(&links) {
            prop_assert_eq!(&p.target, &s.target);
            prop_assert_eq!(p.rels().collect::<Vec<_>>(), s.rels.clone());
            for (k, v) in &s.params {
                prop_assert!(p.params.contains(&(k.clone(), v.clone())), "{:?} missing {}={:?}", p.params, k, v);
            }
        }
        let expected_next = links.iter().find(|s| s.rels.iter().any(|r| r == "next")).map(|s| s.target.clone());
        prop_assert_eq!(pagination::next_link(&headers), expected_next);
    }

    #[test]
    fn arbitrary_input_never_panics(value in "[ -~]{0,200}") {
        let _ = link::parse(&value);
    }
}
