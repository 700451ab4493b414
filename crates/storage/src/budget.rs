//! The bound on what reading a layer may cost (DESIGN.md: everything read
//! from outside has a bound): its expanded size, charged as the stream is
//! decompressed and as sparse holes are made.

use std::cell::Cell;
use std::io::{self, Read};

/// The bound on a layer's expanded size, charged by the reader of the
/// decompressed stream (every tar header, file byte and trailing pad: a gzip
/// or zstd bomb is caught there, whatever the tar holds) and by the extractor
/// for the holes of sparse entries, which the tar reader makes up without
/// reading anything (a 1 TiB hole costs no input but 1 TiB of zeros to walk).
/// Single-threaded: one extraction owns it.
#[derive(Debug, Default)]
pub struct SizeBudget {
    max: Option<u64>,
    used: Cell<u64>,
    exceeded: Cell<bool>,
}

impl SizeBudget {
    /// A budget of `max` bytes; `None` is unbounded (our own data: commit, cp).
    pub fn new(max: Option<u64>) -> SizeBudget {
        SizeBudget { max, used: Cell::new(0), exceeded: Cell::new(false) }
    }
    /// Counts `n` more bytes; false (and remembered) once past the limit.
    pub fn charge(&self, n: u64) -> bool {
        let used = self.used.get().saturating_add(n);
        self.used.set(used);
        if self.max.is_some_and(|m| used > m) {
            self.exceeded.set(true);
        }
        !self.exceeded.get()
    }
    /// Whether the limit was passed (the extraction then failed for that reason).
    pub fn exceeded(&self) -> bool {
        self.exceeded.get()
    }
    /// The limit in bytes.
    pub fn max(&self) -> Option<u64> {
        self.max
    }
}

/// A reader that charges every byte it yields to a `SizeBudget` and fails
/// once the budget is spent, so a bomb stops at the limit, not at a full disk.
pub struct BudgetReader<'a, R> {
    inner: R,
    budget: &'a SizeBudget,
}

impl<'a, R: Read> BudgetReader<'a, R> {
    /// Wraps `inner` (the decompressed layer stream).
    pub fn new(inner: R, budget: &'a SizeBudget) -> Self {
        BudgetReader { inner, budget }
    }
}

impl<R: Read> Read for BudgetReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if !self.budget.charge(n as u64) {
            return Err(io::Error::other("the layer's expanded size limit was exceeded"));
        }
        Ok(n)
    }
}
