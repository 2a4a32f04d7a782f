//! Security headers on every response. The built web app loads only its own files and runs no
//! inline script, inline style or eval, so its Content-Security-Policy allows only `'self'`.
//! No page may be framed, except the two the chat widget shows in its frame on the company
//! portal (the support page, and the sign-in page it redirects to when the customer is signed
//! out): those may be framed by Switchboard itself and the allowed origins.

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use tower_http::set_header::SetResponseHeaderLayer;

/// Every directive but `frame-ancestors`. `'self'` in `connect-src` covers the socket: CSP
/// level 3 lets it match `ws:`/`wss:` on the page's own host and port.
macro_rules! directives {
    () => {
        "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; \
         img-src 'self' data:; font-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'"
    };
}

/// The policy of every response but the framable pages.
const STRICT: &str = concat!(directives!(), "; frame-ancestors 'none'");

/// The headers' values, derived once from the configuration.
#[derive(Debug, Clone)]
pub struct SecurityHeaders {
    /// [`STRICT`].
    strict: HeaderValue,
    /// The policy of the pages the widget frames.
    framable: HeaderValue,
}

impl SecurityHeaders {
    /// `frame_origins`: the origins (`scheme://host[:port]`) whose pages may frame the support
    /// page besides Switchboard's own; the configured allowed origins.
    pub fn new(frame_origins: &[String]) -> SecurityHeaders {
        let mut ancestors = String::from("frame-ancestors 'self'");
        // An origin comes from the configuration, parsed as a URL; anything that could end the
        // directive or start another (`;`, `,`, spaces, quotes) is still kept out of the header.
        // CSP has no syntax for an IPv6 literal (`http://[::1]:8080`): browsers drop it with a
        // warning, so it is left out (a portal at such an address cannot frame the page).
        for origin in frame_origins.iter().filter(|o| is_source(o)) {
            ancestors.push(' ');
            ancestors.push_str(origin);
        }
        let framable = format!("{}; {ancestors}", directives!());
        SecurityHeaders {
            strict: HeaderValue::from_static(STRICT),
            // Fails closed: should the value not form a header, the pages are not framable.
            framable: HeaderValue::from_str(&framable)
                .unwrap_or_else(|_| HeaderValue::from_static(STRICT)),
        }
    }

    /// Wraps the routes of the pages the widget frames, so they carry the framable policy (the
    /// outer layers of [`SecurityHeaders::apply`] leave a policy already set alone).
    pub fn framable<S: Clone + Send + Sync + 'static>(&self, routes: Router<S>) -> Router<S> {
        routes.layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            self.framable.clone(),
        ))
    }

    /// Adds the headers to every response of `router`.
    pub fn apply<S: Clone + Send + Sync + 'static>(&self, router: Router<S>) -> Router<S> {
        let strict = self.strict.clone();
        // Browsers that predate `frame-ancestors` read X-Frame-Options; it cannot name an
        // allowed origin, so it is sent only where no framing at all is allowed.
        let deny_unless_framable = move |response: &Response| {
            (response.headers().get(header::CONTENT_SECURITY_POLICY) == Some(&strict))
                .then(|| HeaderValue::from_static("DENY"))
        };
        // The last layer added sees the response last: the policy is settled before the
        // X-Frame-Options layer reads it.
        router
            .layer(SetResponseHeaderLayer::if_not_present(
                header::CONTENT_SECURITY_POLICY,
                self.strict.clone(),
            ))
            .layer(SetResponseHeaderLayer::if_not_present(
                header::X_FRAME_OPTIONS,
                deny_unless_framable,
            ))
            .layer(SetResponseHeaderLayer::overriding(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ))
            // Nothing leaves for another origin: conversation ids and `?next=` targets are in
            // the paths, and people click links posted in chats. Switchboard itself needs no
            // referrer (the origin check reads `Origin`).
            .layer(SetResponseHeaderLayer::overriding(
                header::REFERRER_POLICY,
                HeaderValue::from_static("same-origin"),
            ))
    }
}

/// Whether `origin` can stand as a CSP source expression as it is.
/// The headers of a file this origin hands out but never renders (an attachment, a transcript,
/// an export): no sniffing, a policy that allows nothing but what `csp` names and sandboxes it,
/// and `cache`.
pub fn served_file(h: &mut axum::http::HeaderMap, csp: &'static str, cache: &'static str) {
    use axum::http::{HeaderValue, header};
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
}

fn is_source(origin: &str) -> bool {
    !origin.is_empty()
        && origin
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~:/%".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framable_policy_names_the_allowed_origins_and_nothing_else() {
        let headers = SecurityHeaders::new(&[
            "https://portal.example.com".into(),
            "http://[::1]:8080".into(),
            "https://evil.example; script-src *".into(),
        ]);
        let framable = headers.framable.to_str().unwrap();
        assert!(
            framable.ends_with("; frame-ancestors 'self' https://portal.example.com"),
            "{framable}"
        );
        assert!(!framable.contains("evil"), "{framable}");
        assert!(!framable.contains("[::1]"), "{framable}");
        let strict = headers.strict.to_str().unwrap();
        assert_eq!(strict, STRICT);
        assert!(strict.ends_with("; frame-ancestors 'none'"), "{strict}");
    }
}
