//! A global `tracing` subscriber whose output a test reads back (one per test binary).

use std::sync::{Arc, Mutex};

/// What the subscriber wrote.
#[derive(Clone, Default)]
pub struct Logs(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    /// Installs the binary's global subscriber, writing here (plain text, no colours).
    pub fn install() -> Self {
        let logs = Self::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer({
                let l = logs.clone();
                move || l.clone()
            })
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber of this binary");
        logs
    }

    /// Everything written so far.
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().expect("lock").clone()).expect("utf-8")
    }
}
