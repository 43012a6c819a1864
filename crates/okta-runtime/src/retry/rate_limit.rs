//! The wait a server asks for: `Retry-After`, or Okta's `X-Rate-Limit-Reset` against `Date`.

use reqwest::header::{DATE, HeaderMap, RETRY_AFTER};
use std::time::{Duration, SystemTime};

/// The wait the answer asks for, if it says: `Retry-After` (seconds or an HTTP date) when
/// present, else the smallest `X-Rate-Limit-Reset` (epoch seconds) minus the answer's `Date`
/// (or `now` without one), plus one second. `None` when the answer says neither.
///
/// Every number is the server's, so none of this can overflow: a reset or date too far in the
/// future to be a time on this machine is a wait of [`Duration::MAX`] (the retry policy caps
/// its waits, 60 s by default), one in the past is no wait (plus the second), and a value that
/// is not a number or a date is ignored.
pub fn server_wait(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    if let Some(wait) = retry_after(headers, now) {
        return Some(wait);
    }
    let date = server_date(headers, now);
    let reset = headers
        .get_all("x-rate-limit-reset")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|v| v.trim().parse::<u64>().ok())
        .min()?;
    let wait = match SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(reset)) {
        Some(reset) => reset.duration_since(date).unwrap_or_default(),
        None => Duration::MAX,
    };
    Some(wait.saturating_add(Duration::from_secs(1)))
}

fn server_date(headers: &HeaderMap, now: SystemTime) -> SystemTime {
    headers
        .get(DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
        .unwrap_or(now)
}

/// The wait `Retry-After` asks for (seconds, or an HTTP date against the answer's `Date`).
/// This is the only server wait a 503 or 504 honours: Okta puts `X-Rate-Limit-*` on every
/// answer, and their reset is the end of the rate-limit window, not a time to come back.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    // httpdate takes years up to 9999 only, so the date always fits in a `SystemTime`.
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(server_date(headers, now)).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn reset_is_measured_against_date_plus_one_second() {
        let date = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let h = headers(&[
            ("date", &httpdate::fmt_http_date(date)),
            ("x-rate-limit-reset", "1700000005"),
            ("x-rate-limit-reset", "1700000003"),
        ]);
        // Our clock is far off; the server's Date is what counts.
        let far = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        assert_eq!(server_wait(&h, far), Some(Duration::from_secs(4)));
        let past = headers(&[
            ("date", &httpdate::fmt_http_date(date)),
            ("x-rate-limit-reset", "1699999990"),
        ]);
        assert_eq!(server_wait(&past, far), Some(Duration::from_secs(1)));
    }

    #[test]
    fn absurd_numbers_are_bounded_not_panics() {
        let now = SystemTime::now();
        let h = headers(&[("x-rate-limit-reset", "18446744073709551615")]);
        assert_eq!(server_wait(&h, now), Some(Duration::MAX));
        let h = headers(&[("retry-after", "18446744073709551615")]);
        assert_eq!(server_wait(&h, now), Some(Duration::from_secs(u64::MAX)));
        for garbage in [
            "-1",
            "1e9",
            "0x10",
            "",
            "Fri, 31 Dec 9999 23:59:59 GMT",
            "Mon, 01 Jan 1900 00:00:00 GMT",
        ] {
            let h = headers(&[
                ("retry-after", garbage),
                ("date", garbage),
                ("x-rate-limit-reset", garbage),
            ]);
            let _ = server_wait(&h, now);
        }
    }

    #[test]
    fn retry_after_wins_and_nothing_means_none() {
        let date = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let h = headers(&[("retry-after", "7"), ("x-rate-limit-reset", "1700000100")]);
        assert_eq!(server_wait(&h, date), Some(Duration::from_secs(7)));
        let at = httpdate::fmt_http_date(date + Duration::from_secs(9));
        let h = headers(&[("date", &httpdate::fmt_http_date(date)), ("retry-after", &at)]);
        assert_eq!(server_wait(&h, date), Some(Duration::from_secs(9)));
        assert_eq!(server_wait(&HeaderMap::new(), date), None);
        assert_eq!(server_wait(&headers(&[("x-rate-limit-reset", "soon")]), date), None);
    }
}
