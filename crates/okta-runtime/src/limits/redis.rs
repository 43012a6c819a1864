//! A [`PacingStore`] in Redis, so that every process of a deployment paces against one budget
//! (feature `redis`; see [`RedisStore`]).

use super::bucket::Bucket;
use super::store::{Admission, BucketState, MAX_BUCKETS, Observed, PROBE_WAIT, PacingStore, SAME_WINDOW_MS, epoch_ms};
use ::redis::aio::{ConnectionManager, ConnectionManagerConfig};
use ::redis::{Client, ConnectionAddr, RedisError, Script};
use futures::future::BoxFuture;
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

/// How long a request admitted by a [`RedisStore`] counts as in flight at most, unless
/// [`RedisStore::with_in_flight_lease`] says otherwise: longer than a call's default connection
/// (30 s) and read (60 s) timeouts together, so only a request that never settles (its process
/// died) runs out of it.
pub const DEFAULT_IN_FLIGHT_LEASE: Duration = Duration::from_secs(120);

/// How long a [`RedisStore`] waits for Redis (connecting, or one script) before it lets the
/// request go unpaced, unless [`RedisStore::with_timeout`] says otherwise.
pub const DEFAULT_REDIS_TIMEOUT: Duration = Duration::from_secs(1);

/// After Redis could not be reached, how long a [`RedisStore`] lets requests go without trying
/// it again (so an outage costs each request nothing, not a connection timeout).
pub const REDIS_RETRY_AFTER: Duration = Duration::from_secs(1);

/// The least time between two warnings that Redis failed.
const WARN_EVERY_MS: u64 = 10_000;

/// The largest integer a Lua number (a double) holds exactly; values sent to the scripts are
/// capped at it (limits, counts and epoch milliseconds are far below it).
const MAX_EXACT: u64 = (1 << 53) - 1;

/// [`super::Window::admit`] in Lua, on the bucket's hash (`KEYS[1]`: `limit`, `remaining`,
/// `end_ms`) and its sorted set of leases of requests in flight (`KEYS[2]`: member, expiry in
/// epoch ms). ARGV: now (epoch ms), share (0 to 1), lease (ms), the member to add on `Go`,
/// [`PROBE_WAIT`] (ms). Answers `{go, wait_ms, limit, remaining, end_ms, in_flight}`, -1 for
/// "not known".
const ADMIT_LUA: &str = r"
local function s(x) return string.format('%d', x) end
local now = tonumber(ARGV[1])
local share = tonumber(ARGV[2])
local lease = tonumber(ARGV[3])
local probe_wait = tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
local h = redis.call('HMGET', KEYS[1], 'limit', 'remaining', 'end_ms')
local limit = tonumber(h[1])
local remaining = tonumber(h[2]) or 0
local end_ms = tonumber(h[3])
local in_flight = redis.call('ZCARD', KEYS[2])
if limit and end_ms and now >= end_ms then
  -- The window has ended: it starts over at its limit, its end unknown.
  remaining = limit
  end_ms = nil
  redis.call('HSET', KEYS[1], 'remaining', s(remaining))
  redis.call('HDEL', KEYS[1], 'end_ms')
end
local go = false
local wait = 0
local probe = false
if not limit then
  probe = true
else
  local allowed = math.max(1, math.floor(limit * share))
  local used = math.max(limit - remaining, 0) + in_flight
  if used < allowed then
    go = true
  elseif end_ms then
    wait = math.max(end_ms - now, 1)
  else
    probe = true
  end
end
if probe then
  if in_flight == 0 then go = true else wait = probe_wait end
end
if go then
  redis.call('ZADD', KEYS[2], s(now + lease), ARGV[4])
  in_flight = in_flight + 1
end
local ttl = 3600000
if end_ms then ttl = math.max(end_ms - now, 0) + 600000 end
ttl = math.max(ttl, lease)
redis.call('PEXPIRE', KEYS[1], s(ttl))
redis.call('PEXPIRE', KEYS[2], s(ttl))
return {go and 1 or 0, wait, limit or -1, remaining, end_ms or -1, in_flight}
";

/// [`super::Window::settle`] in Lua, on the same keys. ARGV: now (epoch ms), the member to
/// remove (empty: none), lease (ms), `1` when an answer was seen and then its limit, remaining,
/// window end (epoch ms) and [`SAME_WINDOW_MS`]. Answers `{limit, remaining, end_ms,
/// in_flight}`, -1 for "not known".
const SETTLE_LUA: &str = r"
local function s(x) return string.format('%d', x) end
local now = tonumber(ARGV[1])
local lease = tonumber(ARGV[3])
if ARGV[2] ~= '' then redis.call('ZREM', KEYS[2], ARGV[2]) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
local h = redis.call('HMGET', KEYS[1], 'limit', 'remaining', 'end_ms')
local limit = tonumber(h[1])
local remaining = tonumber(h[2]) or 0
local end_ms = tonumber(h[3])
if ARGV[4] == '1' then
  local seen_limit = tonumber(ARGV[5])
  local seen_remaining = tonumber(ARGV[6])
  local seen_end = tonumber(ARGV[7])
  limit = seen_limit
  if end_ms and math.abs(seen_end - end_ms) <= tonumber(ARGV[8]) then
    -- The same window (its end, worked out from whole-second headers, moves by up to a second
    -- between answers): answers can arrive out of order, the smallest count is the latest, and
    -- the latest end is kept.
    remaining = math.min(remaining, seen_remaining)
    end_ms = math.max(end_ms, seen_end)
  elseif end_ms and seen_end < end_ms then
    -- An answer of a window already over says nothing about this one.
  else
    end_ms = seen_end
    remaining = math.min(seen_remaining, seen_limit)
  end
  redis.call('HSET', KEYS[1], 'limit', s(limit), 'remaining', s(remaining), 'end_ms', s(end_ms))
end
local ttl = 3600000
if end_ms then ttl = math.max(end_ms - now, 0) + 600000 end
ttl = math.max(ttl, lease)
redis.call('PEXPIRE', KEYS[1], s(ttl))
redis.call('PEXPIRE', KEYS[2], s(ttl))
return {limit or -1, remaining, end_ms or -1, redis.call('ZCARD', KEYS[2])}
";

/// A [`PacingStore`] in Redis: every process given the same Redis and prefix paces against one
/// budget per bucket, as Okta counts it (per org, not per process).
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use okta_sdk::limits::{PacingStore, RedisStore};
/// use std::sync::Arc;
/// // One prefix per org (and per API token, if the org gives tokens shares of their own).
/// let store = RedisStore::connect("redis://redis.internal:6379/0", "okta:pacing:acme.okta.com").await?;
/// let store: Arc<dyn PacingStore> = Arc::new(store);
/// # let _ = store; Ok(()) }
/// ```
///
/// # Decisions
///
/// [`admit`](PacingStore::admit) and [`settle`](PacingStore::settle) each run one Lua script,
/// so a decision is atomic across the fleet; the scripts follow [`super::Window::admit`] and
/// [`super::Window::settle`] rule for rule (the tests compare them on random sequences),
/// [`SAME_WINDOW_MS`](super::SAME_WINDOW_MS) included. Each bucket has two keys:
///
/// - `{prefix}:{bucket}`, a hash with `limit`, `remaining` and `end_ms` (the window's end, epoch
///   milliseconds): what the answers said, as in [`super::Window`];
/// - `{prefix}:in_flight:{bucket}`, a sorted set of the requests in flight: one member per
///   admitted request, scored with the time its lease ends (its admission plus the lease,
///   [`DEFAULT_IN_FLIGHT_LEASE`]). The count of requests in flight is the number of members
///   whose lease has not ended.
///
/// Both keys expire 10 minutes after the window's end (an hour while it is unknown, and never
/// before the last lease), so buckets nobody uses vanish.
///
/// **Why leases, not a counter.** A process that dies with requests in flight never settles
/// them. A plain counter reset when a new window starts would not be enough: a bucket whose
/// limit is not known yet, or whose window ended, lets one request out to learn it only while
/// nothing is in flight, so a dead probe would block it for ever; and the settles of requests
/// admitted in the old window, arriving after the reset, would take places of the new window's
/// requests, letting out as many extra requests as were in flight at the boundary. With
/// leases, what a dead process had in flight stops counting when the leases end (at most
/// [`DEFAULT_IN_FLIGHT_LEASE`] later), and a settle removes exactly one member of this process's
/// own. The trade-off: a request that runs longer than its lease stops counting as in flight
/// before its answer says what it used (keep the lease above the client's timeouts), and until
/// a dead process's leases end its requests still count (the bucket is paced more tightly, never
/// over its share).
///
/// A settle removes the oldest lease this process holds in the bucket: requests of a bucket are
/// interchangeable for counting, so the count is right whichever of them finished.
///
/// **Clocks.** Each process passes its own clock's `now` to the scripts, and the windows' ends
/// come from Okta's `X-Rate-Limit-Reset` moved onto the answering process's clock by the answer's
/// `Date`. Keep the processes' clocks NTP-synced: a process whose clock is ahead sees windows end
/// early (and leases end early), one behind waits longer than needed.
///
/// # When Redis fails
///
/// Availability over pacing: if Redis cannot be reached, does not answer within
/// [`DEFAULT_REDIS_TIMEOUT`], or a script fails, [`admit`](PacingStore::admit) answers
/// [`Admission::Go`] and [`settle`](PacingStore::settle) does nothing, with a `tracing`
/// warning at most every 10 seconds (it names neither the URL nor credentials). After a
/// connection failure or a time-out, Redis is not tried again for [`REDIS_RETRY_AFTER`], so an
/// outage does not slow every request down. Requests let out that way are not counted; Okta's
/// own 429 (retried by the client) is the limit meanwhile.
///
/// # What [`buckets`](PacingStore::buckets) shows
///
/// The shared state of each bucket as this process last saw it, from the replies of its own
/// admits and settles (other processes' use since then is not in it); nothing for a bucket this
/// process has not asked about, or when Redis never answered. At most as many buckets as a
/// [`MemoryStore`](super::MemoryStore) keeps apart (1024).
///
/// # Connection
///
/// One multiplexed connection, reconnected when it drops (`redis::aio::ConnectionManager`),
/// opened on first use ([`RedisStore::new`]) or at once ([`RedisStore::connect`]); it lives on
/// the tokio runtime that first used it. Plain TCP or a Unix socket (`redis://`,
/// `redis+unix://`), not Redis Cluster.
pub struct RedisStore {
    client: Client,
    connection: tokio::sync::OnceCell<ConnectionManager>,
    prefix: String,
    lease: Duration,
    timeout: Duration,
    admit_script: Script,
    settle_script: Script,
    /// This store's members are `{id}:{counter}`.
    id: String,
    counter: AtomicU64,
    /// Per bucket, the leases this process holds (oldest first): the member, or `None` for a
    /// request admitted while Redis failed, and when the lease ends (epoch ms).
    leases: Mutex<HashMap<Bucket, VecDeque<Lease>>>,
    /// What the scripts last answered, per bucket.
    seen: Mutex<HashMap<Bucket, BucketState>>,
    /// Until when (epoch ms) Redis is not tried, after it could not be reached.
    skip_until_ms: AtomicU64,
    /// When (epoch ms) the last failure was warned about.
    warned_ms: AtomicU64,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The host only: the URL may carry a user name and password.
        let server = match self.client.get_connection_info().addr() {
            ConnectionAddr::Tcp(host, port) => format!("{host}:{port}"),
            ConnectionAddr::TcpTls { host, port, .. } => format!("{host}:{port} (TLS)"),
            ConnectionAddr::Unix(path) => path.display().to_string(),
            _ => "?".to_string(),
        };
        f.debug_struct("RedisStore")
            .field("server", &server)
            .field("prefix", &self.prefix)
            .field("lease", &self.lease)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// A lease this process holds: its member (`None` for a request admitted while Redis failed)
/// and when it ends (epoch ms).
type Lease = (Option<String>, u64);

/// Why a script did not answer.
enum Failure {
    Redis(RedisError),
    TimedOut,
}

impl Failure {
    /// Whether Redis could not be reached (so it is not tried again for a moment).
    fn unreachable(&self) -> bool {
        match self {
            Self::TimedOut => true,
            Self::Redis(e) => {
                e.is_io_error() || e.is_connection_refusal() || e.is_timeout() || e.is_connection_dropped()
            }
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // Redis's errors name neither the URL nor credentials.
            Self::Redis(e) => fmt::Display::fmt(e, f),
            Self::TimedOut => f.write_str("no answer in time"),
        }
    }
}

/// What a script said about a bucket.
struct Reply {
    limit: Option<u64>,
    remaining: u64,
    end_ms: Option<u64>,
    in_flight: u64,
}

impl Reply {
    fn from_values(v: &[i64]) -> Option<Self> {
        let known = |x: i64| u64::try_from(x).ok();
        match v {
            [limit, remaining, end_ms, in_flight] => Some(Self {
                limit: known(*limit),
                remaining: known(*remaining).unwrap_or(0),
                end_ms: known(*end_ms),
                in_flight: known(*in_flight).unwrap_or(0),
            }),
            _ => None,
        }
    }
}

impl RedisStore {
    /// A store at `url` (`redis://[user:password@]host[:port][/db]`), keeping its keys under
    /// `prefix`: one prefix per org (and per API token, if the org gives tokens shares of their
    /// own), the same in every process that shares the budget. Nothing is connected yet: the
    /// first request connects (on the current tokio runtime), so a store can be made while Redis
    /// is down. Fails only on a URL the client cannot use.
    pub fn new(url: &str, prefix: impl Into<String>) -> Result<Self, RedisError> {
        Ok(Self {
            client: Client::open(url)?,
            connection: tokio::sync::OnceCell::new(),
            prefix: prefix.into(),
            lease: DEFAULT_IN_FLIGHT_LEASE,
            timeout: DEFAULT_REDIS_TIMEOUT,
            admit_script: Script::new(ADMIT_LUA),
            settle_script: Script::new(SETTLE_LUA),
            id: uuid::Uuid::new_v4().simple().to_string(),
            counter: AtomicU64::new(0),
            leases: Mutex::default(),
            seen: Mutex::default(),
            skip_until_ms: AtomicU64::new(0),
            warned_ms: AtomicU64::new(0),
        })
    }

    /// [`RedisStore::new`], connected at once: fails if Redis does not answer `PING` within the
    /// store's timeout ([`DEFAULT_REDIS_TIMEOUT`]), for a program that would rather not start
    /// unpaced.
    pub async fn connect(url: &str, prefix: impl Into<String>) -> Result<Self, RedisError> {
        let store = Self::new(url, prefix)?;
        let ping = async {
            let mut connection = store.connection().await?;
            ::redis::cmd("PING").query_async::<String>(&mut connection).await
        };
        match tokio::time::timeout(store.timeout, ping).await {
            Ok(Ok(_)) => Ok(store),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(RedisError::from((
                ::redis::ErrorKind::Io,
                "Redis did not answer PING in time",
            ))),
        }
    }

    /// How long an admitted request counts as in flight at most (default
    /// [`DEFAULT_IN_FLIGHT_LEASE`]; at least a second): keep it above the client's connection
    /// and read timeouts together. It bounds how long a process that died keeps its requests
    /// counted.
    pub fn with_in_flight_lease(mut self, lease: Duration) -> Self {
        self.lease = lease.max(Duration::from_secs(1));
        self
    }

    /// How long to wait for Redis, connecting or running a script, before the request goes
    /// unpaced (default [`DEFAULT_REDIS_TIMEOUT`]; at least a millisecond).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// The key prefix.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    fn keys(&self, bucket: &Bucket) -> (String, String) {
        (
            format!("{}:{bucket}", self.prefix),
            format!("{}:in_flight:{bucket}", self.prefix),
        )
    }

    fn lease_ms(&self) -> u64 {
        u64::try_from(self.lease.as_millis())
            .unwrap_or(MAX_EXACT)
            .min(MAX_EXACT)
    }

    async fn connection(&self) -> Result<ConnectionManager, RedisError> {
        let connection = self
            .connection
            .get_or_try_init(|| {
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(self.timeout))
                    .set_response_timeout(Some(self.timeout))
                    .set_number_of_retries(1)
                    .set_min_delay(Duration::from_millis(50))
                    .set_max_delay(Duration::from_millis(500));
                ConnectionManager::new_with_config(self.client.clone(), config)
            })
            .await?;
        Ok(connection.clone())
    }

    /// Runs a script, within the timeout.
    async fn run(&self, invocation: ::redis::ScriptInvocation<'_>) -> Result<Vec<i64>, Failure> {
        let call = async {
            let mut connection = self.connection().await?;
            invocation.invoke_async::<Vec<i64>>(&mut connection).await
        };
        match tokio::time::timeout(self.timeout, call).await {
            Ok(Ok(values)) => Ok(values),
            Ok(Err(e)) => Err(Failure::Redis(e)),
            Err(_) => Err(Failure::TimedOut),
        }
    }

    /// Whether Redis is being left alone after it could not be reached.
    fn skipping(&self) -> bool {
        epoch_ms(SystemTime::now()) < self.skip_until_ms.load(Ordering::Relaxed)
    }

    fn failed(&self, operation: &'static str, bucket: &Bucket, failure: &Failure) {
        let now = epoch_ms(SystemTime::now());
        if failure.unreachable() {
            let retry = u64::try_from(REDIS_RETRY_AFTER.as_millis()).unwrap_or(u64::MAX);
            self.skip_until_ms.store(now.saturating_add(retry), Ordering::Relaxed);
        }
        let last = self.warned_ms.load(Ordering::Relaxed);
        if now.saturating_sub(last) >= WARN_EVERY_MS
            && self
                .warned_ms
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            tracing::warn!(
                operation,
                %bucket,
                prefix = %self.prefix,
                error = %failure,
                "pacing store (Redis) failed: requests go unpaced until it answers again"
            );
        }
    }

    fn remember(&self, bucket: &Bucket, reply: &Reply) {
        let mut seen = self.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !seen.contains_key(bucket) && seen.len() >= MAX_BUCKETS {
            return;
        }
        seen.insert(
            bucket.clone(),
            BucketState {
                bucket: bucket.clone(),
                limit: reply.limit,
                remaining: reply.limit.map(|_| reply.remaining),
                window_end: reply
                    .end_ms
                    .and_then(|ms| SystemTime::UNIX_EPOCH.checked_add(Duration::from_millis(ms))),
                in_flight: reply.in_flight,
            },
        );
    }

    fn hold(&self, bucket: &Bucket, member: Option<String>, now_ms: u64) {
        let mut leases = self.leases.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let held = leases.entry(bucket.clone()).or_default();
        held.retain(|(_, ends)| *ends > now_ms);
        held.push_back((member, now_ms.saturating_add(self.lease_ms())));
    }

    /// Takes the oldest lease this process holds in `bucket` that has not ended (leases that
    /// ended are gone from Redis already).
    fn release(&self, bucket: &Bucket, now_ms: u64) -> Option<String> {
        let mut leases = self.leases.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let held = leases.get_mut(bucket)?;
        let mut member = None;
        while let Some((m, ends)) = held.pop_front() {
            if ends > now_ms {
                member = m;
                break;
            }
        }
        if held.is_empty() {
            leases.remove(bucket);
        }
        member
    }

    async fn admit_at(&self, bucket: &Bucket, share: f64, now: SystemTime) -> Admission {
        let now_ms = epoch_ms(now).min(MAX_EXACT);
        if self.skipping() {
            self.hold(bucket, None, now_ms);
            return Admission::Go;
        }
        // As `Window::admit` clamps it (NaN allows the one request a window).
        let share = if share.is_nan() { 0.0 } else { share.clamp(0.0, 1.0) };
        let member = format!("{}:{}", self.id, self.counter.fetch_add(1, Ordering::Relaxed));
        let probe_ms = u64::try_from(PROBE_WAIT.as_millis()).unwrap_or(25);
        let (hash, in_flight) = self.keys(bucket);
        let mut invocation = self.admit_script.prepare_invoke();
        invocation
            .key(hash)
            .key(in_flight)
            .arg(now_ms)
            .arg(share.to_string())
            .arg(self.lease_ms())
            .arg(&member)
            .arg(probe_ms);
        let answer = self.run(invocation).await;
        let decided = answer.as_ref().ok().and_then(|v| match v.as_slice() {
            [go, wait, rest @ ..] => Reply::from_values(rest).map(|reply| (*go == 1, *wait, reply)),
            _ => None,
        });
        match decided {
            Some((go, wait, reply)) => {
                self.remember(bucket, &reply);
                if go {
                    self.hold(bucket, Some(member), now_ms);
                    Admission::Go
                } else {
                    Admission::Wait(Duration::from_millis(u64::try_from(wait).unwrap_or(1).max(1)))
                }
            }
            None => {
                let failure = match answer {
                    Err(failure) => failure,
                    Ok(_) => Failure::Redis(RedisError::from((
                        ::redis::ErrorKind::UnexpectedReturnType,
                        "the pacing script answered an unexpected shape",
                    ))),
                };
                self.failed("admit", bucket, &failure);
                self.hold(bucket, None, now_ms);
                Admission::Go
            }
        }
    }

    async fn settle_at(&self, bucket: &Bucket, seen: Option<Observed>, now: SystemTime) {
        let now_ms = epoch_ms(now).min(MAX_EXACT);
        let member = self.release(bucket, now_ms);
        if self.skipping() {
            return;
        }
        let (hash, in_flight) = self.keys(bucket);
        let mut invocation = self.settle_script.prepare_invoke();
        invocation
            .key(hash)
            .key(in_flight)
            .arg(now_ms)
            .arg(member.unwrap_or_default())
            .arg(self.lease_ms());
        match seen {
            Some(seen) => invocation
                .arg(1)
                .arg(seen.limit.min(MAX_EXACT))
                .arg(seen.remaining.min(MAX_EXACT))
                .arg(epoch_ms(seen.window_end).min(MAX_EXACT))
                .arg(SAME_WINDOW_MS),
            None => invocation.arg(0),
        };
        match self.run(invocation).await {
            Ok(values) => match Reply::from_values(&values) {
                Some(reply) => self.remember(bucket, &reply),
                None => self.failed(
                    "settle",
                    bucket,
                    &Failure::Redis(RedisError::from((
                        ::redis::ErrorKind::UnexpectedReturnType,
                        "the pacing script answered an unexpected shape",
                    ))),
                ),
            },
            Err(failure) => self.failed("settle", bucket, &failure),
        }
    }
}

impl PacingStore for RedisStore {
    fn admit<'a>(&'a self, bucket: &'a Bucket, share: f64, now: SystemTime) -> BoxFuture<'a, Admission> {
        Box::pin(self.admit_at(bucket, share, now))
    }

    fn settle<'a>(&'a self, bucket: &'a Bucket, seen: Option<Observed>, now: SystemTime) -> BoxFuture<'a, ()> {
        Box::pin(self.settle_at(bucket, seen, now))
    }

    fn buckets(&self) -> Vec<BucketState> {
        let seen = self.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut all: Vec<BucketState> = seen.values().cloned().collect();
        all.sort_by(|a, b| a.bucket.cmp(&b.bucket));
        all
    }
}

#[cfg(test)]
mod tests {
    use super::super::store::Window;
    use super::*;
    use rand::{Rng, SeedableRng};
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::process::{Child, Command, Stdio};

    /// A `redis-server` on a free loopback port, killed when dropped.
    struct Server {
        child: Child,
        port: u16,
    }

    impl Server {
        /// Starts one, or says why not (`None`: the test passes without it).
        fn start() -> Option<Self> {
            let binary = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"]
                .into_iter()
                .find(|p| std::path::Path::new(p).exists());
            let Some(binary) = binary else {
                eprintln!("redis-server is not installed: skipping the Redis store test");
                return None;
            };
            let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
            let child = Command::new(binary)
                .args([
                    "--port",
                    &port.to_string(),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            let server = Self { child, port };
            let started = std::time::Instant::now();
            while !server.answers_ping() {
                assert!(
                    started.elapsed() < Duration::from_secs(10),
                    "redis-server did not start"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
            Some(server)
        }

        fn answers_ping(&self) -> bool {
            let Ok(mut s) = TcpStream::connect(("127.0.0.1", self.port)) else {
                return false;
            };
            let mut buf = [0u8; 7];
            s.write_all(b"PING\r\n").is_ok() && s.read_exact(&mut buf).is_ok() && &buf == b"+PONG\r\n"
        }

        fn url(&self) -> String {
            format!("redis://127.0.0.1:{}/", self.port)
        }
    }

    impl Drop for Server {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    fn seen(limit: u64, remaining: u64, end_ms: u64) -> Observed {
        Observed {
            limit,
            remaining,
            window_end: SystemTime::UNIX_EPOCH + Duration::from_millis(end_ms),
        }
    }

    fn at(ms: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_millis(ms)
    }

    fn state_of(store: &RedisStore, bucket: &Bucket) -> BucketState {
        store.buckets().into_iter().find(|b| &b.bucket == bucket).unwrap()
    }

    /// The state a `Window` shows as a `BucketState` (as `MemoryStore::buckets` shows it).
    fn window_state(bucket: &Bucket, w: &Window) -> BucketState {
        BucketState {
            bucket: bucket.clone(),
            limit: w.limit,
            remaining: w.limit.map(|_| w.remaining),
            window_end: w.end_ms.map(at),
            in_flight: w.in_flight,
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_script_decides_as_window_does() {
        let Some(server) = Server::start() else { return };
        let store = RedisStore::connect(&server.url(), "t1")
            .await
            .unwrap()
            .with_in_flight_lease(Duration::from_secs(1_000_000));
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let mut now = 1_700_000_000_000u64;
        // Go, wait for a probe, wait for the window's end.
        let mut decisions = [0; 3];
        // A new bucket every 150 steps: its limit is learned again.
        let (mut bucket, mut window) = (Bucket::new("GET /b0"), Window::default());
        for step in 0..1_200 {
            if step % 150 == 0 {
                (bucket, window) = (Bucket::new(format!("GET /b{step}")), Window::default());
            }
            // Now and then a window ends.
            now += if rng.gen_bool(0.04) {
                10_000
            } else {
                rng.gen_range(0..800u64)
            };
            let settle_odds = if window.in_flight > 2 { 0.6 } else { 0.35 };
            if !rng.gen_bool(settle_odds) {
                let share = [0.0, 0.1, 0.5, 0.75, 1.0, f64::NAN][rng.gen_range(0..6)];
                let expected = window.admit(share, now);
                let got = store.admit(&bucket, share, at(now)).await;
                assert_eq!(got, expected, "step {step}: admit({share}) at {now}");
                match got {
                    Admission::Go => decisions[0] += 1,
                    Admission::Wait(PROBE_WAIT) => decisions[1] += 1,
                    Admission::Wait(_) => decisions[2] += 1,
                }
            } else {
                let answer = if rng.gen_bool(0.2) {
                    None
                } else {
                    let limit = [1, 5, 10, 40][rng.gen_range(0..4)];
                    // Windows of 10 s; answers of the window before, this one, or the next,
                    // each end worked out a little differently (across `SAME_WINDOW_MS`).
                    let end = (now / 10_000 + rng.gen_range(0..3u64)) * 10_000 + rng.gen_range(0..1_700);
                    Some(seen(limit, rng.gen_range(0..=limit + 2).min(limit), end))
                };
                window.settle(answer);
                store.settle(&bucket, answer, at(now)).await;
            }
            assert_eq!(state_of(&store, &bucket), window_state(&bucket, &window), "step {step}");
        }
        assert!(
            decisions.iter().all(|&n| n >= 20),
            "every kind of decision is compared: {decisions:?}"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn answers_of_one_window_measured_apart_are_one_window() {
        let Some(server) = Server::start() else { return };
        let store = RedisStore::connect(&server.url(), "t5").await.unwrap();
        let bucket = Bucket::new("GET /api/v1/users/{id}");
        let mut w = Window::default();
        let now = 1_700_000_000_000u64;
        let end = now + 60_000;
        assert_eq!(store.admit(&bucket, 1.0, at(now)).await, w.admit(1.0, now));
        // Earlier answers arrive later: the end each says, worked out at its arrival, moves.
        for (remaining, end) in [
            (30, end),
            (33, end + 400),
            (31, end - 600),
            (32, end + 400 + SAME_WINDOW_MS),
        ] {
            w.settle(Some(seen(40, remaining, end)));
            store
                .settle(&bucket, Some(seen(40, remaining, end)), at(now + 20))
                .await;
            assert_eq!(state_of(&store, &bucket), window_state(&bucket, &w));
        }
        assert_eq!(
            (w.remaining, w.end_ms),
            (30, Some(end + 1_900)),
            "one window, its latest end"
        );
        // More than `SAME_WINDOW_MS` later: a window of its own.
        let next = end + 1_900 + SAME_WINDOW_MS + 1;
        w.settle(Some(seen(40, 39, next)));
        store.settle(&bucket, Some(seen(40, 39, next)), at(now + 30)).await;
        assert_eq!(state_of(&store, &bucket), window_state(&bucket, &w));
        assert_eq!((w.remaining, w.end_ms), (39, Some(next)));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_stores_share_one_budget() {
        let Some(server) = Server::start() else { return };
        let a = RedisStore::connect(&server.url(), "t2").await.unwrap();
        let b = RedisStore::connect(&server.url(), "t2").await.unwrap();
        let other_org = RedisStore::connect(&server.url(), "t2-other").await.unwrap();
        let bucket = Bucket::new("GET /api/v1/users");
        let now = 1_700_000_000_000u64;
        // One probe at a time across processes, until the limit is known.
        assert_eq!(a.admit(&bucket, 0.5, at(now)).await, Admission::Go);
        assert_eq!(b.admit(&bucket, 0.5, at(now)).await, Admission::Wait(PROBE_WAIT));
        a.settle(&bucket, Some(seen(10, 9, now + 60_000)), at(now + 5)).await;
        // A share of 5, one used: four more between them.
        let mut gone = 0;
        for store in [&a, &b, &a, &b, &a, &b] {
            if store.admit(&bucket, 0.5, at(now + 10)).await == Admission::Go {
                gone += 1;
            }
        }
        assert_eq!(gone, 4);
        assert_eq!(
            b.admit(&bucket, 0.5, at(now + 10)).await,
            Admission::Wait(Duration::from_millis(59_990))
        );
        // Another prefix is another budget.
        assert_eq!(other_org.admit(&bucket, 0.5, at(now + 10)).await, Admission::Go);
        // B settles its two: its own leases go, A's stay.
        b.settle(&bucket, Some(seen(10, 7, now + 60_000)), at(now + 20)).await;
        b.settle(&bucket, None, at(now + 20)).await;
        assert_eq!(state_of(&b, &bucket).in_flight, 2);
        assert_eq!(state_of(&b, &bucket).remaining, Some(7));
        // The window ends: the limit is whole again for everyone.
        assert_eq!(b.admit(&bucket, 0.5, at(now + 60_000)).await, Admission::Go);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_dead_process_holds_a_bucket_only_until_its_leases_end() {
        let Some(server) = Server::start() else { return };
        let lease = Duration::from_secs(5);
        let dead = RedisStore::connect(&server.url(), "t3")
            .await
            .unwrap()
            .with_in_flight_lease(lease);
        let alive = RedisStore::connect(&server.url(), "t3")
            .await
            .unwrap()
            .with_in_flight_lease(lease);
        let bucket = Bucket::new("GET /api/v1/groups");
        let now = 1_700_000_000_000u64;
        // The probe of a process that dies before its answer.
        assert_eq!(dead.admit(&bucket, 0.5, at(now)).await, Admission::Go);
        drop(dead);
        assert_eq!(
            alive.admit(&bucket, 0.5, at(now + 4_999)).await,
            Admission::Wait(PROBE_WAIT)
        );
        assert_eq!(alive.admit(&bucket, 0.5, at(now + 5_000)).await, Admission::Go);
        assert_eq!(state_of(&alive, &bucket).in_flight, 1);
        // The keys expire: 10 minutes after the window's end, an hour while it is unknown.
        let mut c = ::redis::Client::open(server.url())
            .unwrap()
            .get_multiplexed_async_connection()
            .await
            .unwrap();
        let ttl: i64 = ::redis::cmd("PTTL")
            .arg("t3:in_flight:GET /api/v1/groups")
            .query_async(&mut c)
            .await
            .unwrap();
        assert!((3_500_000..=3_600_000).contains(&ttl), "{ttl}");
        alive
            .settle(&bucket, Some(seen(10, 9, now + 65_000)), at(now + 5_000))
            .await;
        let ttl: i64 = ::redis::cmd("PTTL")
            .arg("t3:GET /api/v1/groups")
            .query_async(&mut c)
            .await
            .unwrap();
        assert!((600_000..=660_000).contains(&ttl), "{ttl}");
        let fields: HashMap<String, String> = ::redis::cmd("HGETALL")
            .arg("t3:GET /api/v1/groups")
            .query_async(&mut c)
            .await
            .unwrap();
        assert_eq!(fields["limit"], "10");
        assert_eq!(fields["remaining"], "9");
        assert_eq!(fields["end_ms"], (now + 65_000).to_string());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn without_redis_requests_go_unpaced() {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let url = format!("redis://:s3cret-pass@127.0.0.1:{port}/");
        assert!(RedisStore::connect(&url, "t4").await.is_err());
        let store = RedisStore::new(&url, "t4").unwrap();
        let shown = format!("{store:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains(&format!("127.0.0.1:{port}")), "{shown}");
        let bucket = Bucket::new("GET /api/v1/users");
        let started = std::time::Instant::now();
        for _ in 0..5 {
            assert_eq!(store.admit(&bucket, 0.5, SystemTime::now()).await, Admission::Go);
        }
        store.settle(&bucket, Some(seen(10, 0, 1)), SystemTime::now()).await;
        assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
        assert!(store.buckets().is_empty());
        // A server that does not answer in time counts as unreachable too.
        let silent = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("redis://127.0.0.1:{}/", silent.local_addr().unwrap().port());
        let store = RedisStore::new(&url, "t4")
            .unwrap()
            .with_timeout(Duration::from_millis(200));
        let started = std::time::Instant::now();
        assert_eq!(store.admit(&bucket, 0.5, SystemTime::now()).await, Admission::Go);
        assert_eq!(store.admit(&bucket, 0.5, SystemTime::now()).await, Admission::Go);
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "the second is not tried: {:?}",
            started.elapsed()
        );
    }
}
