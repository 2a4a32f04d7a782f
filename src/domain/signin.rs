//! Sign-in throttling as a pure policy: after a few failures an account or a client address
//! is slowed down, with a delay that grows but is capped and forgotten after a while.

use std::net::IpAddr;
use std::time::Duration;

use super::address::Cidr;
use super::time::Timestamp;

/// Failures allowed before any delay applies.
pub const FREE_FAILURES: u32 = 5;
/// The delay after the first throttled failure; it doubles with each further failure.
pub const BASE_DELAY: Duration = Duration::from_secs(30);
/// The longest delay: an account is slowed down, never locked for good.
pub const MAX_DELAY: Duration = Duration::from_secs(15 * 60);
/// Failures older than this are forgotten.
pub const FORGET_AFTER: Duration = Duration::from_secs(60 * 60);

/// The addresses that share one slow-down, as text: an IPv4 address alone; an IPv6 address with
/// the rest of its /64, since one host or home network holds a whole /64 and can pick a fresh
/// address in it for every guess.
pub fn address_group(ip: IpAddr) -> String {
    match ip.to_canonical() {
        v4 @ IpAddr::V4(_) => v4.to_string(),
        v6 => Cidr::new(v6, 64).map_or_else(|| v6.to_string(), |net| net.to_string()),
    }
}

/// The failure record of one key (an account or a client address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failures {
    pub count: u32,
    pub last_at: Timestamp,
}

impl Failures {
    /// The record after one more failure at `now` (a stale record starts over).
    pub fn after_failure(previous: Option<Failures>, now: Timestamp) -> Failures {
        let count = match previous {
            Some(f) if !f.is_stale(now) => f.count.saturating_add(1),
            _ => 1,
        };
        Failures {
            count,
            last_at: now,
        }
    }

    /// This record (as stored now) with one attempt, reserved at `reserved_at`, taken back;
    /// `before` is the record as it was before the reservation. `None`: no record at all. An
    /// attempt made since the reservation is kept.
    pub fn taken_back(self, before: Option<Failures>, reserved_at: Timestamp) -> Option<Failures> {
        let untouched = self.last_at == reserved_at;
        match before {
            None if untouched && self.count == 1 => None,
            None => Some(self),
            Some(before) => Some(Failures {
                count: self.count.saturating_sub(1).max(1),
                last_at: if untouched {
                    before.last_at
                } else {
                    self.last_at
                },
            }),
        }
    }

    fn is_stale(self, now: Timestamp) -> bool {
        self.last_at.until(now) >= FORGET_AFTER
    }

    /// Until when further attempts are refused, if they are at `now`.
    pub fn blocked_until(self, now: Timestamp) -> Option<Timestamp> {
        if self.count < FREE_FAILURES || self.is_stale(now) {
            return None;
        }
        let doublings = (self.count - FREE_FAILURES).min(16);
        let delay = BASE_DELAY.saturating_mul(1 << doublings).min(MAX_DELAY);
        let until = self.last_at.plus(delay);
        (until > now).then_some(until)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    #[test]
    fn delay_starts_after_five_failures_and_is_capped() {
        // (failures, ms since the last one, blocked for how much longer in ms)
        let cases: &[(u32, i64, Option<i64>)] = &[
            (4, 0, None),
            (5, 0, Some(30_000)),
            (5, 29_999, Some(1)),
            (5, 30_000, None),
            (6, 0, Some(60_000)),
            (9, 0, Some(8 * MIN)),
            (10, 0, Some(15 * MIN)),
            (1000, 0, Some(15 * MIN)),
            (1000, 60 * MIN, None),
        ];
        for &(count, since, want) in cases {
            let f = Failures {
                count,
                last_at: Timestamp(1_000_000),
            };
            let now = Timestamp(1_000_000 + since);
            let got = f.blocked_until(now).map(|t| t.0 - now.0);
            assert_eq!(got, want, "{count} failures, {since} ms later");
        }
    }

    #[test]
    fn an_attempt_taken_back_restores_the_record_unless_another_came_since() {
        let at = |ms: i64| Timestamp(1_000_000 + ms);
        let rec = |count, ms| Failures {
            count,
            last_at: at(ms),
        };
        let reserved = at(500);
        // (stored now, before the reservation, after taking it back)
        let cases = [
            (rec(1, 500), None, None),
            (rec(2, 700), None, Some(rec(2, 700))),
            (rec(3, 500), Some(rec(2, 100)), Some(rec(2, 100))),
            (rec(4, 700), Some(rec(2, 100)), Some(rec(3, 700))),
            (rec(1, 500), Some(rec(1, 100)), Some(rec(1, 100))),
        ];
        for (now, before, want) in cases {
            assert_eq!(
                now.taken_back(before, reserved),
                want,
                "{now:?} before {before:?}"
            );
        }
    }

    #[test]
    fn ipv6_addresses_share_a_slow_down_per_64() {
        let cases = [
            ("203.0.113.7", "203.0.113.7"),
            ("::ffff:203.0.113.7", "203.0.113.7"),
            ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
            ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
            ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
            ("::1", "::/64"),
        ];
        for (ip, want) in cases {
            assert_eq!(address_group(ip.parse().unwrap()), want, "{ip}");
        }
    }

    #[test]
    fn stale_failures_start_over() {
        let old = Failures {
            count: 9,
            last_at: Timestamp(0),
        };
        assert_eq!(
            Failures::after_failure(Some(old), Timestamp(60 * MIN)).count,
            1
        );
        assert_eq!(Failures::after_failure(Some(old), Timestamp(MIN)).count, 10);
        assert_eq!(Failures::after_failure(None, Timestamp(5)).count, 1);
    }
}
