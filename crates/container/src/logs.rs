//! Container logs in podman's k8s-file format, one record per line:
//! `<RFC 3339 nano timestamp> <stdout|stderr> <F|P> <text>`. `P` marks a
//! partial line (the output had no newline yet); the next records of the
//! same stream continue it, up to an `F`.
//!
//! Size cap (`--log-opt max-size`): when a write would take the file past
//! the cap, it is rotated: renamed to `ctr.log.1` (replacing the previous
//! one) and a new file started, so a container's logs take at most twice
//! the cap and `logs` still shows the newest cap's worth and more. Rotation
//! rather than conmon's truncation in place: a follower holding the old file
//! notices the new inode and loses nothing.

use crate::error::{Error, IoContext, Result};
use chrono::{DateTime, FixedOffset};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Which output a record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stream {
    Stdout,
    Stderr,
}

impl Stream {
    pub fn as_str(self) -> &'static str {
        match self {
            Stream::Stdout => "stdout",
            Stream::Stderr => "stderr",
        }
    }
}

/// Appends a container's output to its log.
pub struct LogWriter {
    file: File,
    path: PathBuf,
    size: u64,
    max: Option<u64>,
}

impl LogWriter {
    /// Opens (creating) the log for appending; `max` caps its size in bytes.
    pub fn open(path: &Path, max: Option<u64>) -> Result<LogWriter> {
        let file = OpenOptions::new().create(true).append(true).open(path).path_ctx("open the log", path)?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        Ok(LogWriter { file, path: path.to_path_buf(), size, max })
    }

    /// Writes a chunk of output: one `F` record per complete line, and a `P`
    /// record for a trailing fragment, so output shows up as it comes.
    pub fn write_chunk(&mut self, stream: Stream, data: &[u8]) -> Result<()> {
        if data.is_empty() {
            return Ok(());
        }
        let ts = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
        let mut out = Vec::with_capacity(data.len() + 48);
        let mut rest = data;
        while !rest.is_empty() {
            let (line, flag, next) = match rest.iter().position(|b| *b == b'\n') {
                Some(i) => (&rest[..i], "F", &rest[i + 1..]),
                None => (rest, "P", &rest[rest.len()..]),
            };
            out.extend_from_slice(ts.as_bytes());
            out.push(b' ');
            out.extend_from_slice(stream.as_str().as_bytes());
            out.push(b' ');
            out.extend_from_slice(flag.as_bytes());
            out.push(b' ');
            out.extend_from_slice(line);
            out.push(b'\n');
            rest = next;
        }
        if let Some(max) = self.max {
            if self.size > 0 && self.size + out.len() as u64 > max {
                let old = rotated(&self.path);
                std::fs::rename(&self.path, &old).path_ctx("rotate the log", &self.path)?;
                self.file = OpenOptions::new().create(true).append(true).open(&self.path).path_ctx("open the log", &self.path)?;
                self.size = 0;
            }
            // A single chunk larger than the cap keeps only its newest records.
            if out.len() as u64 > max {
                let cut = out.len() - max as usize;
                let start = out[cut..].iter().position(|b| *b == b'\n').map_or(out.len(), |p| cut + p + 1);
                out.drain(..start);
            }
        }
        self.file.write_all(&out).path_ctx("write the log", &self.path)?;
        self.size += out.len() as u64;
        Ok(())
    }
}

/// One parsed log record.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Record {
    pub time: DateTime<FixedOffset>,
    /// The timestamp as written.
    pub time_text: String,
    pub stream: Stream,
    /// A `P` record: the line goes on in the next record of the stream.
    pub partial: bool,
    pub text: Vec<u8>,
}

/// Parses one line of the log (without its newline); `None` if malformed.
pub fn parse_record(line: &[u8]) -> Option<Record> {
    let mut parts = line.splitn(4, |b| *b == b' ');
    let ts = std::str::from_utf8(parts.next()?).ok()?;
    let stream = match parts.next()? {
        b"stdout" => Stream::Stdout,
        b"stderr" => Stream::Stderr,
        _ => return None,
    };
    let partial = match parts.next()? {
        b"P" => true,
        b"F" => false,
        _ => return None,
    };
    let text = parts.next().unwrap_or_default().to_vec();
    let time = DateTime::parse_from_rfc3339(ts).ok()?;
    Some(Record { time, time_text: ts.to_string(), stream, partial, text })
}

/// Where a rotated log goes.
pub fn rotated(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".1");
    PathBuf::from(p)
}

/// Reads a log as it grows, following rotations.
pub struct LogReader {
    path: PathBuf,
    file: Option<File>,
    pos: u64,
    pending: Vec<u8>,
    /// The rotated part is still to be read (first call only).
    previous: bool,
}

impl LogReader {
    /// Opens the log now when it exists: a reader made before its container
    /// is removed still reads what it wrote (the open file outlives its name).
    pub fn new(path: &Path) -> LogReader {
        LogReader { path: path.to_path_buf(), file: File::open(path).ok(), pos: 0, pending: Vec::new(), previous: true }
    }

    /// The complete records written since the last call.
    pub fn read_new(&mut self) -> Result<Vec<Record>> {
        use std::os::unix::fs::MetadataExt;
        let mut out = Vec::new();
        if std::mem::take(&mut self.previous) {
            if let Ok(data) = std::fs::read(rotated(&self.path)) {
                out.extend(data.split(|b| *b == b'\n').filter_map(parse_record));
            }
        }
        // Rotated since we opened it: finish the old file, then take the new one.
        let current = std::fs::metadata(&self.path).ok().map(|m| m.ino());
        let open_ino = self.file.as_ref().and_then(|f| f.metadata().ok()).map(|m| m.ino());
        if open_ino.is_some() && current.is_some() && open_ino != current {
            out.extend(self.read_open()?);
            self.file = None;
            self.pos = 0;
            self.pending.clear();
        }
        out.extend(self.read_open()?);
        Ok(out)
    }

    fn read_open(&mut self) -> Result<Vec<Record>> {
        if self.file.is_none() {
            match File::open(&self.path) {
                Ok(f) => self.file = Some(f),
                // Not created yet (the container has not started).
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
                Err(e) => return Err(Error::io_path("open the log", &self.path, e)),
            }
        }
        let Some(file) = self.file.as_mut() else { return Ok(Vec::new()) };
        let len = file.metadata().path_ctx("stat the log", &self.path)?.len();
        if len < self.pos {
            // Truncated by someone: start over.
            self.pos = 0;
            self.pending.clear();
        }
        file.seek(SeekFrom::Start(self.pos)).path_ctx("seek in the log", &self.path)?;
        let mut buf = Vec::new();
        file.take(len - self.pos).read_to_end(&mut buf).path_ctx("read the log", &self.path)?;
        self.pos += buf.len() as u64;
        self.pending.extend_from_slice(&buf);
        let mut out = Vec::new();
        let mut start = 0;
        while let Some(i) = self.pending[start..].iter().position(|b| *b == b'\n') {
            if let Some(r) = parse_record(&self.pending[start..start + i]) {
                out.push(r);
            }
            start += i + 1;
        }
        self.pending.drain(..start);
        Ok(out)
    }
}

/// Parses `--since`/`--until`: RFC 3339 (with or without a zone; a date alone),
/// Unix seconds (with a fraction), or a duration before now (10m, 1h30m, 90s).
pub fn parse_time(s: &str) -> Result<DateTime<FixedOffset>> {
    let bad = || {
        Error::Invalid(format!("invalid time {s:?}: use RFC 3339 (2024-01-02T15:04:05Z), Unix seconds, or a duration such as 10m or 1h30m"))
    };
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t);
    }
    let utc = chrono::Utc.fix();
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f") {
        return Ok(t.and_utc().with_timezone(&utc));
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0).map(|t| t.and_utc().with_timezone(&utc)).ok_or_else(bad);
    }
    if let Ok(secs) = s.parse::<f64>() {
        let whole = secs.trunc() as i64;
        let nanos = ((secs - secs.trunc()) * 1e9) as u32;
        return DateTime::from_timestamp(whole, nanos).map(|t| t.with_timezone(&utc)).ok_or_else(bad);
    }
    let d = parse_duration(s).ok_or_else(bad)?;
    Ok((chrono::Utc::now() - d).with_timezone(&utc))
}

use chrono::Offset;

/// Go-style durations: 300ms, 10s, 5m, 1h30m.
fn parse_duration(s: &str) -> Option<chrono::Duration> {
    let mut total = 0f64;
    let mut rest = s;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let n_end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
        let n: f64 = rest[..n_end].parse().ok()?;
        let rest2 = &rest[n_end..];
        let u_end = rest2.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest2.len());
        let unit = match &rest2[..u_end] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += n * unit;
        rest = &rest2[u_end..];
    }
    Some(chrono::Duration::nanoseconds((total * 1e9) as i64))
}

/// Parses a size such as `10m`, `512k`, `1g` or bytes (`--log-opt max-size`).
pub fn parse_size(s: &str) -> Result<u64> {
    let t = s.trim().to_ascii_lowercase();
    let t = t.trim_end_matches('b').trim_end_matches('i');
    let (num, mult) = match t.chars().last() {
        Some('k') => (&t[..t.len() - 1], 1u64 << 10),
        Some('m') => (&t[..t.len() - 1], 1 << 20),
        Some('g') => (&t[..t.len() - 1], 1 << 30),
        _ => (t, 1),
    };
    match num.trim().parse::<f64>() {
        Ok(n) if n >= 0.0 => Ok((n * mult as f64) as u64),
        _ => Err(Error::Invalid(format!("invalid size {s:?}: use a number with an optional unit, such as 10m or 512k"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_full_and_partial_records_and_reads_them_back() {
        let dir = std::env::temp_dir().join(format!("sangja-logs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("ctr.log");
        let _ = std::fs::remove_file(&path);
        let mut w = LogWriter::open(&path, None).unwrap();
        let mut r = LogReader::new(&path);
        w.write_chunk(Stream::Stdout, b"one\ntwo\npart").unwrap();
        w.write_chunk(Stream::Stderr, b"err\n").unwrap();
        let recs = r.read_new().unwrap();
        let got: Vec<(Stream, bool, &[u8])> = recs.iter().map(|r| (r.stream, r.partial, &r.text[..])).collect();
        assert_eq!(
            got,
            vec![
                (Stream::Stdout, false, &b"one"[..]),
                (Stream::Stdout, false, &b"two"[..]),
                (Stream::Stdout, true, &b"part"[..]),
                (Stream::Stderr, false, &b"err"[..])
            ]
        );
        assert!(r.read_new().unwrap().is_empty());
        // The cap rotates; a follower sees every record exactly once.
        let mut w = LogWriter::open(&path, Some(200)).unwrap();
        let mut seen = Vec::new();
        for i in 0..20 {
            w.write_chunk(Stream::Stdout, format!("line {i}\n").as_bytes()).unwrap();
            if i % 3 == 0 {
                seen.extend(r.read_new().unwrap().into_iter().map(|r| String::from_utf8(r.text).unwrap()));
            }
        }
        seen.extend(r.read_new().unwrap().into_iter().map(|r| String::from_utf8(r.text).unwrap()));
        let want: Vec<String> = (0..20).map(|i| format!("line {i}")).collect();
        assert_eq!(seen[seen.len() - 20..], want[..]);
        assert!(std::fs::metadata(&path).unwrap().len() <= 200);
        assert!(std::fs::metadata(rotated(&path)).unwrap().len() <= 200);
        // A new reader gets the rotated part, then the current one.
        let all = LogReader::new(&path).read_new().unwrap();
        assert_eq!(all.last().map(|r| r.text.clone()), Some(b"line 19".to_vec()));
        assert!(all.len() > 4);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn times_sizes_and_bad_records() {
        assert!(parse_record(b"2024-01-02T03:04:05.000000001Z stdout F hi there").is_some());
        assert_eq!(parse_record(b"2024-01-02T03:04:05Z stdout F a b").unwrap().text, b"a b");
        assert!(parse_record(b"garbage").is_none());
        assert!(parse_time("2024-01-02T03:04:05Z").is_ok());
        assert!(parse_time("2024-01-02").is_ok());
        assert!(parse_time("1700000000.5").is_ok());
        let ten = parse_time("10m").unwrap();
        let age = chrono::Utc::now().signed_duration_since(ten).num_seconds();
        assert!((599..=601).contains(&age), "{age}");
        assert!(parse_time("yesterday").is_err());
        assert_eq!(parse_size("10m").unwrap(), 10 << 20);
        assert_eq!(parse_size("512k").unwrap(), 512 << 10);
        assert_eq!(parse_size("100").unwrap(), 100);
        assert!(parse_size("lots").is_err());
    }
}
