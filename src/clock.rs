//! Where time comes from: the system clock in production, a manual clock in tests, so the
//! 2- and 3-minute timers are tested in milliseconds.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::domain::Timestamp;

/// A source of the current time.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Timestamp;
}

/// The real wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        Timestamp(i64::try_from(ms).unwrap_or(i64::MAX))
    }
}

/// A clock that moves only when told to.
#[derive(Debug)]
pub struct ManualClock {
    now: AtomicI64,
    broken: AtomicBool,
}

impl ManualClock {
    pub fn new(start: Timestamp) -> Self {
        ManualClock {
            now: AtomicI64::new(start.0),
            broken: AtomicBool::new(false),
        }
    }

    pub fn advance(&self, by: Duration) {
        self.now.fetch_add(
            i64::try_from(by.as_millis()).unwrap_or(i64::MAX),
            Ordering::SeqCst,
        );
    }

    /// From now on every reading panics: how tests make a server task die, to see that the
    /// server notices and stops.
    pub fn break_down(&self) {
        self.broken.store(true, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        assert!(
            !self.broken.load(Ordering::SeqCst),
            "the manual clock was broken on purpose"
        );
        Timestamp(self.now.load(Ordering::SeqCst))
    }
}
