//! Medians, peak RSS, the machine, and the Markdown report.

use crate::floor::BoxError;
use std::fmt::Write as _;
use std::time::Duration;

/// The median of `xs` (0 for none).
pub fn median(xs: &[f64]) -> f64 {
    let mut v: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    }
}

/// `a / b`, or infinity when `b` is 0.
pub fn ratio(a: f64, b: f64) -> f64 {
    if b == 0.0 { f64::INFINITY } else { a / b }
}

/// The median of the per-round ratios `floor[i] / sdk[i]` of two throughputs measured in the
/// same rounds (each round runs both sides back to back), with the lowest and highest: a drift
/// of the machine's speed between rounds cancels out of each ratio, where a ratio of the two
/// medians keeps it.
pub fn paired(sdk: &[f64], floor: &[f64]) -> (f64, f64, f64) {
    let ratios: Vec<f64> = sdk
        .iter()
        .zip(floor)
        .map(|(&s, &f)| ratio(f, s))
        .filter(|r| r.is_finite())
        .collect();
    let low = ratios.iter().copied().fold(f64::INFINITY, f64::min);
    let high = ratios.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (median(&ratios), low, high)
}

/// `getrusage(who)`: resources used by this process (`RUSAGE_SELF`) or the children it waited
/// for (`RUSAGE_CHILDREN`).
pub fn rusage(who: libc::c_int) -> Result<libc::rusage, BoxError> {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: `getrusage` writes a `rusage` into the pointer it is given, which points at one.
    let rc = unsafe { libc::getrusage(who, usage.as_mut_ptr()) };
    if rc != 0 {
        return Err(std::io::Error::last_os_error().into());
    }
    // SAFETY: `getrusage` succeeded, so it initialized the value (and zeroed is valid anyway).
    Ok(unsafe { usage.assume_init() })
}

/// CPU time (user + system) this process's threads have used, in microseconds, as the kernel
/// accounts it (finer than [`cpu_seconds`]' clock ticks, for short stretches of work).
pub fn cpu_micros() -> Result<f64, BoxError> {
    let usage = rusage(libc::RUSAGE_SELF)?;
    let micros = |t: libc::timeval| t.tv_sec as f64 * 1e6 + t.tv_usec as f64;
    Ok(micros(usage.ru_utime) + micros(usage.ru_stime))
}

/// CPU seconds (user + system) this process has used, from `/proc/self/stat`.
pub fn cpu_seconds() -> Result<f64, BoxError> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat
        .rsplit_once(')')
        .map(|(_, r)| r)
        .ok_or("unexpected /proc/self/stat")?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11).ok_or("no utime")?.parse()?;
    let stime: f64 = fields.get(12).ok_or("no stime")?.parse()?;
    // Clock ticks; 100 per second on Linux (USER_HZ).
    Ok((utime + stime) / 100.0)
}

/// This process's peak resident set size (`VmHWM`), in KiB.
pub fn peak_rss_kib() -> Result<u64, BoxError> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .ok_or("no VmHWM in /proc/self/status")?;
    Ok(line.split_whitespace().nth(1).ok_or("VmHWM without a value")?.parse()?)
}

/// This process's resident set size now (`VmRSS`), in KiB.
pub fn rss_kib() -> Result<u64, BoxError> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let line = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .ok_or("no VmRSS in /proc/self/status")?;
    Ok(line.split_whitespace().nth(1).ok_or("VmRSS without a value")?.parse()?)
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "**missed**" }
}

/// The report, section by section.
pub struct Report {
    text: String,
    notes: Vec<String>,
}

impl Report {
    pub fn new(smoke: bool, sizes: &str) -> Self {
        let mut text = String::from("# okta-bench results\n\n");
        if smoke {
            text.push_str("**Smoke run** (small counts; numbers are not meaningful).\n\n");
        }
        let _ = writeln!(text, "Sizes: {sizes}.\n");
        text.push_str("| scenario | okta SDK | hand-written (reqwest + serde_json) | ratio SDK/hand | target |\n|---|---|---|---|---|\n");
        Self {
            text,
            notes: Vec::new(),
        }
    }

    pub fn note(&mut self, note: &str) {
        self.notes.push(note.to_string());
    }

    pub fn paginate(&mut self, users: usize, sdk: f64, floor: f64, python: Option<f64>) {
        // For throughput, the ratio is the SDK's time over the floor's (floor rate / SDK rate).
        let r = ratio(floor, sdk);
        let _ = writeln!(
            self.text,
            "| 1. paginate {users} users (items/s) | {sdk:.0} | {floor:.0} | {r:.3} | <= 1.10: {} |",
            verdict(r <= 1.10)
        );
        if let Some(py) = python {
            let x = ratio(sdk, py);
            self.notes.push(format!(
                "1. Okta's Python SDK (okta==3.4.6, `paginate_all` over `list_users`): {py:.0} items/s; \
                 the Rust SDK is {x:.1}x faster (target >= 10x: {})",
                verdict(x >= 10.0)
            ));
        }
    }

    pub fn per_call(&mut self, calls: usize, sdk_us: f64, floor_us: f64) {
        let r = ratio(sdk_us, floor_us);
        let _ = writeln!(
            self.text,
            "| 2. {calls} sequential `get_user` (median µs per call) | {sdk_us:.1} | {floor_us:.1} | {r:.3} (+{:.1} µs) | <= 1.10: {} |",
            sdk_us - floor_us,
            verdict(r <= 1.10)
        );
    }

    /// Heap allocations per `get_user` call (scenario 2, counted by the bench's allocator).
    pub fn allocations(&mut self, sdk: f64, floor: f64) {
        self.notes.push(format!(
            "2. heap allocations per `get_user` (client process, all threads): SDK {sdk:.1}, hand-written {floor:.1}"
        ));
    }

    pub fn concurrency(&mut self, tasks: usize, calls: usize, sdk: f64, floor: f64, tokens: u64) {
        let r = ratio(floor, sdk);
        let _ = writeln!(
            self.text,
            "| 3. {tasks} tasks, {calls} `get_user`, private-key auth (calls/s) | {sdk:.0} | {floor:.0} | {r:.3} | <= 1.10: {} |",
            verdict(r <= 1.10)
        );
        self.notes.push(format!(
            "3. token requests the server saw from the SDK over all rounds: {tokens} (must be 1: {})",
            verdict(tokens == 1)
        ));
    }

    /// The concurrency scenario's paired ratio (see [`paired`]) beside the ratio of medians.
    pub fn concurrency_paired(&mut self, sdk: &[f64], floor: &[f64]) {
        let (median, low, high) = paired(sdk, floor);
        self.notes.push(format!(
            "3. paired: the median of the {} per-round ratios (both sides back to back in each round) {median:.3}, \
             lowest {low:.3}, highest {high:.3}",
            sdk.len().min(floor.len())
        ));
    }

    /// CPU microseconds per call in the concurrency scenario: (client, server) for each side.
    pub fn cpu_per_call(&mut self, sdk: (f64, f64), floor: (f64, f64)) {
        self.notes.push(format!(
            "3. CPU per call (µs, from /proc at 10 ms resolution, summed over the rounds): SDK client {:.1} + server {:.1}; \
             hand-written client {:.1} + server {:.1}; client ratio {:.2}",
            sdk.0,
            sdk.1,
            floor.0,
            floor.1,
            ratio(sdk.0, floor.0)
        ));
    }

    pub fn memory(&mut self, peaks: &[(usize, u64)]) {
        let mut line = String::from("4. peak RSS of a process streaming every user:");
        for (n, kib) in peaks {
            let _ = write!(line, " {n} users: {:.1} MiB;", *kib as f64 / 1024.0);
        }
        if let [(_, small), (_, big)] = peaks {
            let grew = (*big as f64 - *small as f64) / 1024.0;
            let _ = write!(
                line,
                " growth {grew:.1} MiB (target < 10 MiB: {})",
                verdict(grew < 10.0)
            );
        }
        self.notes.push(line);
    }

    pub fn tail(&mut self, events: usize, secs: f64, early_kib: u64, end_kib: u64, peak_kib: u64) {
        let grew = (end_kib as f64 - early_kib as f64) / 1024.0;
        self.notes.push(format!(
            "7. a System Log tail over {events} events (pages of 1,000, its own process): {:.0} events/s; \
             resident memory after a tenth {:.1} MiB, at the end {:.1} MiB (growth {grew:.1} MiB), peak {:.1} MiB",
            events as f64 / secs,
            early_kib as f64 / 1024.0,
            end_kib as f64 / 1024.0,
            peak_kib as f64 / 1024.0,
        ));
    }

    /// Scenario 8: per run (pacing on?, successful calls per second, failed calls, 429s).
    pub fn pacing(&mut self, runs: &[(bool, f64, u64, u64)]) {
        let mut line = String::from("8. 16 tasks, `get_user`, a bucket of 100 per 2 s (50 calls/s at most):");
        for (pacing, per_sec, failed, limited) in runs {
            let _ = write!(
                line,
                " pacing {}: {per_sec:.1} calls/s, {failed} failed, {limited} 429s;",
                if *pacing { "on" } else { "off" }
            );
        }
        self.notes.push(line);
    }

    pub fn decode(&mut self, users: (f64, f64), apps: (f64, f64)) {
        self.notes.push(format!(
            "5. decoding a 200-user page (every field, custom attributes): models {:.0} µs, \
             `serde_json::Value` {:.0} µs; ratio models/Value {:.2}. A 200-application page (a union: \
             buffered, then the subtype decoded): models {:.0} µs, `Value` {:.0} µs; ratio {:.2}",
            users.0,
            users.1,
            ratio(users.0, users.1),
            apps.0,
            apps.1,
            ratio(apps.0, apps.1)
        ));
    }

    pub fn compile(&mut self, builds: &[crate::consumer::Build], incremental: Duration, model_lines: usize) {
        let mut line = format!(
            "6. compile times (a consumer outside the workspace, default dev profile, clean; okta-models {model_lines} lines):"
        );
        for b in builds {
            let _ = write!(
                line,
                " {}: {:.1} s, peak {:.2} GiB, binary {:.0} MiB;",
                b.what,
                b.time.as_secs_f64(),
                b.peak_kib as f64 / 1024.0 / 1024.0,
                b.binary_bytes as f64 / 1024.0 / 1024.0
            );
        }
        let _ = write!(
            line,
            " incremental after touching main.rs: {:.1} s;",
            incremental.as_secs_f64()
        );
        let find = |key: &str| builds.iter().find(|b| b.what == key).map(|b| b.time.as_secs_f64());
        if let Some(none) = find("no area") {
            for (key, target) in [
                ("default features", 2.5),
                ("users+groups", 1.2),
                ("all areas", f64::INFINITY),
            ] {
                if let Some(t) = find(key) {
                    let r = t / none;
                    if target.is_finite() {
                        let _ = write!(
                            line,
                            " {key} / no area = {r:.2} (target <= {target}: {});",
                            verdict(r <= target)
                        );
                    } else {
                        let _ = write!(line, " {key} / no area = {r:.2};");
                    }
                }
            }
        }
        self.notes.push(line);
    }

    pub fn machine(&mut self, python: Option<&str>) {
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|c| {
                c.lines()
                    .find(|l| l.starts_with("model name"))
                    .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
            })
            .unwrap_or_else(|| "unknown CPU".into());
        let cores = std::thread::available_parallelism().map_or(0, usize::from);
        let mem = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|m| {
                m.lines()
                    .next()
                    .map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_string())
            })
            .and_then(|kib| kib.parse::<f64>().ok())
            .map_or("?".into(), |kib| format!("{:.0} GiB", kib / 1024.0 / 1024.0));
        let rustc = std::process::Command::new("rustc")
            .arg("-V")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default();
        self.notes.push(format!(
            "machine: {cpu}, {cores} cores, {mem} RAM; {rustc}; release build; allocator: {}; {}",
            if cfg!(feature = "mimalloc") {
                "mimalloc"
            } else {
                "system (glibc malloc)"
            },
            python.unwrap_or("Python not used")
        ));
    }

    pub fn finish(mut self) -> String {
        self.text.push('\n');
        for n in &self.notes {
            let _ = writeln!(self.text, "- {n}");
        }
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_ratios() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median(&[]), 0.0);
        assert_eq!(ratio(1.0, 0.0), f64::INFINITY);
        assert!(peak_rss_kib().unwrap() > 0);
    }

    #[test]
    fn a_drift_between_rounds_cancels_out_of_the_paired_ratio() {
        // The machine halves its speed after two rounds; the SDK is 10 % slower in each.
        let floor = [100.0, 100.0, 50.0, 50.0, 50.0];
        let sdk: Vec<f64> = floor.iter().map(|f| f / 1.1).collect();
        let (median_ratio, low, high) = paired(&sdk, &floor);
        assert!((median_ratio - 1.1).abs() < 1e-9 && (low - 1.1).abs() < 1e-9 && (high - 1.1).abs() < 1e-9);
        // The ratio of medians holds the drift when the sides' rounds fall apart.
        assert!((ratio(median(&floor), median(&sdk[..4])) - 1.1).abs() > 0.1);
        assert_eq!(paired(&[0.0], &[1.0]).0, 0.0);
    }
}
