//! Runs the `clearbill` CLI in a child process under `/usr/bin/time`, so that a test can check
//! its peak memory, with a watchdog that fails the test when the child hangs.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub struct Outcome {
    pub status: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// Peak resident memory of the CLI, as `/usr/bin/time` measured it.
    pub peak_kib: u64,
}

impl Outcome {
    /// stdout as JSON (for `--format json`), with the outcome in the message when it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}); status {:?}; stderr {}", self.status, self.stderr))
    }
}

/// A run that outlives this is a hang. Generous: the test machine is shared and slow.
const WATCHDOG: Duration = Duration::from_secs(60);

/// Runs `clearbill ARGS…` to the end, or fails the test after [`WATCHDOG`].
pub fn clearbill(args: &[&str]) -> Outcome {
    let dir = tempdir();
    let time_out = dir.join("time.txt");
    let mut child = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&time_out)
        .arg(env!("CARGO_BIN_EXE_clearbill"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("/usr/bin/time runs (Debian package `time`)");
    // Drain the pipes while waiting, or a big output would block the child.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut b).ok();
        b
    });
    let err_reader = std::thread::spawn(move || {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut stderr, &mut b).ok();
        b
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > WATCHDOG {
            let _ = child.kill();
            panic!("clearbill {args:?} hung for {WATCHDOG:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let (out, err) = (out_reader.join().unwrap(), err_reader.join().unwrap());
    let peak_kib = std::fs::read_to_string(&time_out)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.trim().parse::<u64>().ok())
        .next_back()
        .unwrap_or(0);
    std::fs::remove_dir_all(&dir).ok();
    Outcome {
        status: status.code(),
        stdout: String::from_utf8_lossy(&out).into_owned(),
        stderr: String::from_utf8_lossy(&err).into_owned(),
        peak_kib,
    }
}

/// A fresh directory under the system temp dir, unique to this process and call.
pub fn tempdir() -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let d = std::env::temp_dir().join(format!(
        "clearbill-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}
