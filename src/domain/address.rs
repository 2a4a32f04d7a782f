//! Who a request comes from, behind reverse proxies: address ranges (CIDRs) of the proxies the
//! operator trusts, and the client address read from `X-Forwarded-For` only as far as those
//! proxies vouch for it. Anyone can write that header; only the hops appended by trusted
//! proxies are believed.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

/// A range of addresses, e.g. `10.0.0.0/8`, `2001:db8::/32`, or one address (`192.0.2.1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

/// Why a text is not a CIDR.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an address range like 10.0.0.0/8, 2001:db8::/32 or 192.0.2.1")]
pub struct BadCidr(pub String);

impl Cidr {
    /// The range of `len` leading bits of `ip` (the rest is cleared); `None` if `len` is longer
    /// than the address.
    pub fn new(ip: IpAddr, len: u8) -> Option<Cidr> {
        let ip = ip.to_canonical();
        let network = match ip {
            IpAddr::V4(v4) => IpAddr::V4(Ipv4Addr::from(u32::from(v4) & mask_u32(len)?)),
            IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & mask_u128(len)?)),
        };
        Some(Cidr {
            network,
            prefix: len,
        })
    }

    /// Whether `ip` is in this range (an IPv4-mapped IPv6 address counts as its IPv4 address).
    pub fn contains(&self, ip: IpAddr) -> bool {
        Cidr::new(ip, self.prefix).is_some_and(|c| c == *self)
    }
}

fn mask_u32(len: u8) -> Option<u32> {
    match len {
        0 => Some(0),
        1..=32 => Some(u32::MAX << (32 - u32::from(len))),
        _ => None,
    }
}

fn mask_u128(len: u8) -> Option<u128> {
    match len {
        0 => Some(0),
        1..=128 => Some(u128::MAX << (128 - u32::from(len))),
        _ => None,
    }
}

impl FromStr for Cidr {
    type Err = BadCidr;

    fn from_str(text: &str) -> Result<Cidr, BadCidr> {
        let bad = || BadCidr(text.to_owned());
        let trimmed = text.trim();
        let (ip, len) = match trimmed.split_once('/') {
            Some((ip, len)) => {
                // Digits only: `u8::from_str` would also take a sign.
                if len.is_empty() || !len.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad());
                }
                let ip: IpAddr = ip.parse().map_err(|_| bad())?;
                (ip, len.parse::<u8>().map_err(|_| bad())?)
            }
            None => {
                let ip: IpAddr = trimmed.parse().map_err(|_| bad())?;
                let full = if ip.to_canonical().is_ipv4() { 32 } else { 128 };
                (ip, full)
            }
        };
        // An IPv4-mapped range such as ::ffff:10.0.0.0/104 is kept as the IPv4 range it means.
        let len = match (ip, ip.to_canonical()) {
            (IpAddr::V6(_), IpAddr::V4(_)) if trimmed.contains('/') => {
                len.checked_sub(96).ok_or_else(bad)?
            }
            _ => len,
        };
        Cidr::new(ip, len).ok_or_else(bad)
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// The client's address: the TCP peer, unless the peer is a trusted proxy. Then
/// `forwarded_for` (the `X-Forwarded-For` values in the order received, each a comma-separated
/// list to which each proxy appended the address it saw) is walked from the right, past every
/// trusted hop, and the first untrusted address is the client. When every hop is trusted (or
/// the next one is not an address) the leftmost trusted hop is the best that is known.
pub fn client_address<'a>(
    peer: IpAddr,
    forwarded_for: impl IntoIterator<Item = &'a str>,
    trusted: &[Cidr],
) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    let mut client = peer.to_canonical();
    if !is_trusted(client) {
        return client;
    }
    let hops: Vec<&str> = forwarded_for
        .into_iter()
        .flat_map(|value| value.split(','))
        .collect();
    for hop in hops.into_iter().rev() {
        let Some(ip) = parse_hop(hop) else {
            return client;
        };
        client = ip.to_canonical();
        if !is_trusted(client) {
            return client;
        }
    }
    client
}

/// One hop of `X-Forwarded-For`: an address, some proxies adding a port (`192.0.2.1:4711`,
/// `[2001:db8::1]:4711`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<std::net::SocketAddr>().ok().map(|s| s.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn cidrs_parse_and_contain() {
        // (text, the range it is, an address inside, an address outside)
        let cases: &[(&str, &str, &str, &str)] = &[
            ("10.0.0.0/8", "10.0.0.0/8", "10.255.1.2", "11.0.0.1"),
            ("127.0.0.0/8", "127.0.0.0/8", "127.0.0.1", "128.0.0.1"),
            ("10.1.2.3/8", "10.0.0.0/8", "10.9.9.9", "9.255.255.255"),
            ("192.0.2.1", "192.0.2.1/32", "192.0.2.1", "192.0.2.2"),
            (" 192.0.2.0/24 ", "192.0.2.0/24", "192.0.2.200", "192.0.3.0"),
            ("0.0.0.0/0", "0.0.0.0/0", "203.0.113.7", "2001:db8::1"),
            (
                "2001:db8::/32",
                "2001:db8::/32",
                "2001:db8:ffff::1",
                "2001:db9::1",
            ),
            ("::1", "::1/128", "::1", "::2"),
            ("::ffff:10.0.0.0/104", "10.0.0.0/8", "10.1.1.1", "11.1.1.1"),
            (
                "10.0.0.0/8",
                "10.0.0.0/8",
                "::ffff:10.1.1.1",
                "::ffff:11.1.1.1",
            ),
        ];
        for &(text, want, inside, outside) in cases {
            let cidr: Cidr = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(cidr.to_string(), want, "{text} parses");
            assert!(cidr.contains(ip(inside)), "{text} contains {inside}");
            assert!(!cidr.contains(ip(outside)), "{text} excludes {outside}");
        }
    }

    #[test]
    fn bad_cidrs_are_refused() {
        for text in [
            "",
            "10.0.0.0/",
            "10.0.0.0/33",
            "10.0.0.0/+8",
            "10.0.0.0/-1",
            "10.0.0/8",
            "2001:db8::/129",
            "::ffff:10.0.0.0/95",
            "localhost",
            "10.0.0.0/8/8",
        ] {
            assert_eq!(
                text.parse::<Cidr>(),
                Err(BadCidr(text.to_owned())),
                "{text:?} is refused"
            );
        }
    }

    #[test]
    fn the_client_is_the_first_untrusted_hop_from_the_right() {
        let trusted: Vec<Cidr> = ["127.0.0.0/8", "10.0.0.0/8"]
            .iter()
            .map(|t| t.parse().unwrap())
            .collect();
        // (peer, X-Forwarded-For values, the client)
        let cases: &[(&str, &[&str], &str)] = &[
            // Not from a proxy: the header is anyone's to write.
            ("203.0.113.9", &["198.51.100.1"], "203.0.113.9"),
            ("203.0.113.9", &[], "203.0.113.9"),
            // From a proxy without the header: the proxy itself.
            ("127.0.0.1", &[], "127.0.0.1"),
            ("127.0.0.1", &["203.0.113.7"], "203.0.113.7"),
            // A forged hop at the left is not believed: the proxy appended the real peer.
            ("127.0.0.1", &["198.51.100.1, 203.0.113.7"], "203.0.113.7"),
            // Trusted hops are skipped, across header lines too.
            ("127.0.0.1", &["203.0.113.7, 10.0.0.2"], "203.0.113.7"),
            ("127.0.0.1", &["203.0.113.7", "10.0.0.2"], "203.0.113.7"),
            (
                "127.0.0.1",
                &["203.0.113.7,10.0.0.2 , 10.0.0.3"],
                "203.0.113.7",
            ),
            // Every hop trusted: the leftmost.
            ("127.0.0.1", &["10.0.0.5, 10.0.0.2"], "10.0.0.5"),
            // Garbage where a trusted proxy should have written an address: the last sure hop.
            ("127.0.0.1", &["203.0.113.7, unknown, 10.0.0.2"], "10.0.0.2"),
            ("127.0.0.1", &["unknown"], "127.0.0.1"),
            // Ports, brackets, IPv6 and IPv4-mapped addresses.
            ("127.0.0.1", &["203.0.113.7:4711"], "203.0.113.7"),
            ("127.0.0.1", &["[2001:db8::1]:4711"], "2001:db8::1"),
            ("127.0.0.1", &["2001:db8::1"], "2001:db8::1"),
            ("::ffff:127.0.0.1", &["::ffff:203.0.113.7"], "203.0.113.7"),
        ];
        for &(peer, header, want) in cases {
            assert_eq!(
                client_address(ip(peer), header.iter().copied(), &trusted),
                ip(want),
                "peer {peer}, X-Forwarded-For {header:?}"
            );
        }
        assert_eq!(
            client_address(ip("127.0.0.1"), ["203.0.113.7"], &[]),
            ip("127.0.0.1"),
            "no trusted proxies: the header is ignored"
        );
    }
}
