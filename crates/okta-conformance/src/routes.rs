//! Matches a recorded method and path to an operation by its path template.

use okta_apis::OPERATIONS;

/// The row in `OPERATIONS` of the operation a request was for: same method, same number of
/// segments, every literal segment equal; the template with the most literal segments wins.
pub fn operation_for(method: &str, path: &str) -> Option<usize> {
    let path = path.split('?').next().unwrap_or(path).trim_end_matches('/');
    let segments: Vec<&str> = path.split('/').collect();
    OPERATIONS
        .iter()
        .enumerate()
        .filter(|(_, op)| op.method.eq_ignore_ascii_case(method))
        .filter_map(|(row, op)| {
            let template: Vec<&str> = op.path.trim_end_matches('/').split('/').collect();
            if template.len() != segments.len() {
                return None;
            }
            let mut literal = 0;
            for (t, s) in template.iter().zip(&segments) {
                if t.starts_with('{') && t.ends_with('}') {
                    if s.is_empty() {
                        return None;
                    }
                } else if t == s {
                    literal += 1;
                } else {
                    return None;
                }
            }
            Some((literal, row))
        })
        .max_by_key(|&(literal, _)| literal)
        .map(|(_, row)| row)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(method: &str, path: &str) -> Option<&'static str> {
        operation_for(method, path).map(|r| OPERATIONS[r].id)
    }

    #[test]
    fn literal_segments_win_over_parameters() {
        assert_eq!(id("GET", "/api/v1/users/00u1"), Some("getUser"));
        assert_eq!(id("GET", "/api/v1/users"), Some("listUsers"));
        assert_eq!(
            id("POST", "/api/v1/users/00u1/lifecycle/activate"),
            Some("activateUser")
        );
        assert_eq!(id("GET", "/api/v1/users/00u1/groups"), Some("listUserGroups"));
        assert_eq!(id("GET", "/oauth2/v1/token"), None);
    }
}
