//! Attachments: a file or pasted screenshot posted as an entry of its own. The rules here are
//! pure: which types are allowed (judged from the bytes, never from the name), what a stored
//! name may hold, how it is named in a download, and who may fetch it.

use super::session::{self, Conversation, Entry, Viewer};

/// The default largest attachment: 10 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 10 * 1024 * 1024;
/// How much one user may attach in an hour: this many of the largest attachments.
pub const HOURLY_QUOTA_FILES: u64 = 20;

/// The longest stored file name, in characters.
pub const NAME_MAX_CHARS: usize = 200;

/// The types an attachment may be, as judged from its first bytes (and for text, all of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentType {
    Png,
    Jpeg,
    Gif,
    Webp,
    Pdf,
    Text,
}

impl ContentType {
    pub const ALL: [ContentType; 6] = [
        ContentType::Png,
        ContentType::Jpeg,
        ContentType::Gif,
        ContentType::Webp,
        ContentType::Pdf,
        ContentType::Text,
    ];

    /// The media type stored and sent (`type` of the wire's `Attachment`).
    pub fn as_str(self) -> &'static str {
        match self {
            ContentType::Png => "image/png",
            ContentType::Jpeg => "image/jpeg",
            ContentType::Gif => "image/gif",
            ContentType::Webp => "image/webp",
            ContentType::Pdf => "application/pdf",
            ContentType::Text => "text/plain",
        }
    }

    pub fn parse(s: &str) -> Option<ContentType> {
        ContentType::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Images are shown inline; everything else is downloaded.
    pub fn is_image(self) -> bool {
        matches!(
            self,
            ContentType::Png | ContentType::Jpeg | ContentType::Gif | ContentType::Webp
        )
    }

    /// The `Content-Type` header it is served with.
    pub fn header(self) -> &'static str {
        match self {
            ContentType::Text => "text/plain; charset=utf-8",
            other => other.as_str(),
        }
    }

    /// The extension a downloaded file gets when its name lacks a fitting one.
    fn extensions(self) -> &'static [&'static str] {
        match self {
            ContentType::Png => &["png"],
            ContentType::Jpeg => &["jpg", "jpeg"],
            ContentType::Gif => &["gif"],
            ContentType::Webp => &["webp"],
            ContentType::Pdf => &["pdf"],
            ContentType::Text => &[
                "txt", "log", "csv", "md", "json", "xml", "yaml", "yml", "ini", "conf",
            ],
        }
    }
}

/// Why an upload is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadRefusal {
    #[error("An attachment is at most {0}.")]
    TooLarge(String),
    #[error(
        "Only images (PNG, JPEG, GIF, WebP), PDF and text files can be attached; this file is none of them."
    )]
    UnsupportedType,
    #[error("The file is empty.")]
    Empty,
}

/// Judges an upload's type from its bytes as they stream in: the first bytes name an image or
/// a PDF; anything else must be text all the way (UTF-8 without control characters other
/// than tab, line feed, form feed and carriage return).
#[derive(Debug, Default)]
pub struct Sniffer {
    head: Vec<u8>,
    judged: Option<ContentType>,
    /// Text so far: the bytes of a character split between two chunks.
    carry: Vec<u8>,
    refused: bool,
    size: u64,
}

/// How many first bytes decide a binary type.
const HEAD: usize = 16;

impl Sniffer {
    pub fn new() -> Sniffer {
        Sniffer::default()
    }

    /// Takes the next chunk; refuses as soon as the bytes cannot be an allowed type.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), UploadRefusal> {
        if self.refused {
            return Err(UploadRefusal::UnsupportedType);
        }
        self.size += chunk.len() as u64;
        let mut rest = chunk;
        if self.judged.is_none() {
            let take = (HEAD - self.head.len()).min(rest.len());
            self.head.extend_from_slice(&rest[..take]);
            if self.head.len() < HEAD {
                return Ok(());
            }
            rest = &rest[take..];
            self.judged = Some(magic(&self.head).unwrap_or(ContentType::Text));
            if self.judged == Some(ContentType::Text) {
                let head = std::mem::take(&mut self.head);
                self.text(&head)?;
                self.head = head;
            }
        }
        if self.judged == Some(ContentType::Text) {
            self.text(rest)?;
        }
        Ok(())
    }

    /// The type, once every byte was fed.
    pub fn finish(mut self) -> Result<ContentType, UploadRefusal> {
        if self.refused {
            return Err(UploadRefusal::UnsupportedType);
        }
        if self.size == 0 {
            return Err(UploadRefusal::Empty);
        }
        let judged = match self.judged {
            Some(t) => t,
            // Shorter than the head: a tiny file is text or nothing.
            None => {
                let head = std::mem::take(&mut self.head);
                match magic(&head) {
                    Some(t) => t,
                    None => {
                        self.text(&head)?;
                        ContentType::Text
                    }
                }
            }
        };
        if judged == ContentType::Text && !self.carry.is_empty() {
            // The file ends inside a character.
            return Err(UploadRefusal::UnsupportedType);
        }
        Ok(judged)
    }

    fn text(&mut self, chunk: &[u8]) -> Result<(), UploadRefusal> {
        let mut bytes = std::mem::take(&mut self.carry);
        bytes.extend_from_slice(chunk);
        let valid = match std::str::from_utf8(&bytes) {
            Ok(s) => s,
            Err(e) if e.error_len().is_none() && bytes.len() - e.valid_up_to() < 4 => {
                // A character cut at the end of the chunk: its bytes wait for the next one.
                self.carry = bytes[e.valid_up_to()..].to_vec();
                std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default()
            }
            Err(_) => {
                self.refused = true;
                return Err(UploadRefusal::UnsupportedType);
            }
        };
        if valid
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
        {
            self.refused = true;
            return Err(UploadRefusal::UnsupportedType);
        }
        Ok(())
    }
}

/// The binary type the first bytes name, if any.
fn magic(head: &[u8]) -> Option<ContentType> {
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ContentType::Png)
    } else if head.starts_with(b"\xff\xd8\xff") {
        Some(ContentType::Jpeg)
    } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        Some(ContentType::Gif)
    } else if head.len() >= 12 && head.starts_with(b"RIFF") && &head[8..12] == b"WEBP" {
        Some(ContentType::Webp)
    } else if head.starts_with(b"%PDF-") {
        Some(ContentType::Pdf)
    } else {
        None
    }
}

/// The name an attachment is stored under: the last part of what the client sent (no folders),
/// without control characters and quotes, at most [`NAME_MAX_CHARS`], ending in an extension
/// of its judged type (added when missing or misleading: `setup.exe` judged text becomes
/// `setup.exe.txt`).
pub fn clean_name(raw: &str, judged: ContentType) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| {
            !c.is_control()
                && !matches!(c, '"' | '<' | '>' | '|' | ':' | '*' | '?')
                // Direction overrides and marks would make a name read other than it is.
                && !matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    let stem = if cleaned.is_empty() {
        "attachment"
    } else {
        cleaned
    };
    // The name without its extension when that one fits the type, and the extension it ends in.
    let (base, ext) = match stem.rsplit_once('.') {
        Some((base, ext))
            if !base.is_empty()
                && judged
                    .extensions()
                    .contains(&ext.to_ascii_lowercase().as_str()) =>
        {
            (base, ext)
        }
        _ => (stem, judged.extensions()[0]),
    };
    let mut name: String = base
        .chars()
        .take(NAME_MAX_CHARS - ext.chars().count() - 1)
        .collect();
    name.push('.');
    name.push_str(ext);
    name
}

/// The `Content-Disposition` header value: `inline` for images (unless a download is asked
/// for), `attachment` otherwise; an ASCII `filename` with anything doubtful replaced, and the
/// exact name in `filename*` (RFC 6266 / 8187).
pub fn content_disposition(name: &str, judged: ContentType, download: bool) -> String {
    let kind = if judged.is_image() && !download {
        "inline"
    } else {
        "attachment"
    };
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ' | '(' | ')') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A size as people read it: "48 KB", "1.2 MB".
pub fn human_size(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    if bytes >= MB {
        let tenths = (bytes * 10 + MB / 2) / MB;
        if tenths.is_multiple_of(10) {
            format!("{} MiB", tenths / 10)
        } else {
            format!("{}.{} MiB", tenths / 10, tenths % 10)
        }
    } else if bytes >= KB {
        format!("{} KiB", bytes.div_ceil(KB))
    } else {
        format!("{bytes} bytes")
    }
}

/// An attachment about to be stored with its entry (its bytes already are, by hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachment {
    pub name: String,
    pub content_type: ContentType,
    pub size: u64,
    /// SHA-256 of the content, lowercase hex: where the bytes are.
    pub sha256: String,
}

/// A stored attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub id: super::AttachmentId,
    pub name: String,
    pub content_type: ContentType,
    pub size: u64,
    pub sha256: String,
}

/// Who may fetch the attachment of `entry` in `conv`: who may see the entry (the one rule of
/// [`session::can_view`] and [`session::can_see`]); once the entry is withdrawn, only managers
/// and admins (who read the audit record).
pub fn may_fetch(conv: &Conversation, viewer: &Viewer<'_>, entry: &Entry) -> bool {
    if !session::can_view(conv, viewer) || !session::can_see(entry.audience(), viewer.user) {
        return false;
    }
    entry.withdrawn.is_none() || super::unsend::reads_withdrawals(viewer.user)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge(chunks: &[&[u8]]) -> Result<ContentType, UploadRefusal> {
        let mut s = Sniffer::new();
        for c in chunks {
            s.feed(c)?;
        }
        s.finish()
    }

    #[test]
    fn types_are_judged_by_their_bytes_whatever_the_chunks() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01";
        let cases: [(&[u8], Result<ContentType, UploadRefusal>); 9] = [
            (png, Ok(ContentType::Png)),
            (
                b"\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01",
                Ok(ContentType::Jpeg),
            ),
            (
                b"GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff",
                Ok(ContentType::Gif),
            ),
            (b"RIFF\x24\0\0\0WEBPVP8 \x18\0\0\0", Ok(ContentType::Webp)),
            (
                b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
                Ok(ContentType::Pdf),
            ),
            (
                "2026-11-30 VPN: tunnel dropped — rekey\n".as_bytes(),
                Ok(ContentType::Text),
            ),
            (
                b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0",
                Err(UploadRefusal::UnsupportedType),
            ),
            (
                b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0",
                Err(UploadRefusal::UnsupportedType),
            ),
            (b"", Err(UploadRefusal::Empty)),
        ];
        for (bytes, want) in cases {
            assert_eq!(judge(&[bytes]), want, "{bytes:?} whole");
            // One byte at a time: the same answer.
            let ones: Vec<&[u8]> = bytes.chunks(1).collect();
            assert_eq!(judge(&ones), want, "{bytes:?} byte by byte");
        }
    }

    #[test]
    fn text_with_a_character_split_between_chunks_is_text_and_a_nul_later_is_refused() {
        let text = "Ärger mit dem Drucker: «Papierstau» — überall\n".repeat(3);
        let bytes = text.as_bytes();
        for cut in 1..bytes.len() {
            assert_eq!(
                judge(&[&bytes[..cut], &bytes[cut..]]),
                Ok(ContentType::Text),
                "cut at {cut}"
            );
        }
        let mut late = "log line\n".repeat(100).into_bytes();
        late.push(0);
        assert_eq!(judge(&[&late]), Err(UploadRefusal::UnsupportedType));
        // Invalid UTF-8 past the head.
        let mut bad = "x".repeat(40).into_bytes();
        bad.extend_from_slice(b"\xc3\x28");
        assert_eq!(judge(&[&bad]), Err(UploadRefusal::UnsupportedType));
        // Ends inside a character.
        assert_eq!(judge(&[b"caf\xc3"]), Err(UploadRefusal::UnsupportedType));
        assert_eq!(judge(&[b"ok"]), Ok(ContentType::Text));
    }

    #[test]
    fn names_lose_folders_and_control_characters_and_carry_their_judged_extension() {
        let cases = [
            ("screenshot.png", ContentType::Png, "screenshot.png"),
            (
                "C:\\Users\\carol\\Desktop\\vpn.log",
                ContentType::Text,
                "vpn.log",
            ),
            ("../../etc/passwd", ContentType::Text, "passwd.txt"),
            ("setup.exe", ContentType::Png, "setup.exe.png"),
            ("photo.PNG", ContentType::Png, "photo.PNG"),
            ("a\"b\r\nc.pdf", ContentType::Pdf, "abc.pdf"),
            ("", ContentType::Jpeg, "attachment.jpg"),
            ("...", ContentType::Gif, "attachment.gif"),
            (".htaccess", ContentType::Text, "htaccess.txt"),
            ("photo\u{202e}gnp.exe", ContentType::Png, "photognp.exe.png"),
        ];
        for (raw, t, want) in cases {
            assert_eq!(clean_name(raw, t), want, "{raw:?}");
        }
        let long = format!("{}.png", "x".repeat(400));
        let cleaned = clean_name(&long, ContentType::Png);
        assert!(cleaned.chars().count() <= NAME_MAX_CHARS && cleaned.ends_with(".png"));
    }

    #[test]
    fn a_download_is_named_safely() {
        assert_eq!(
            content_disposition("Bildschirmfoto 1.png", ContentType::Png, false),
            "inline; filename=\"Bildschirmfoto 1.png\"; filename*=UTF-8''Bildschirmfoto%201.png"
        );
        assert_eq!(
            content_disposition("rapport d'été.pdf", ContentType::Pdf, false),
            "attachment; filename=\"rapport d__t_.pdf\"; filename*=UTF-8''rapport%20d%27%C3%A9t%C3%A9.pdf"
        );
        assert!(content_disposition("x.png", ContentType::Png, true).starts_with("attachment;"));
        assert_eq!(human_size(48_213), "48 KiB");
        assert_eq!(human_size(10 * 1024 * 1024), "10 MiB");
        assert_eq!(human_size(1_300_000), "1.2 MiB");
        assert_eq!(human_size(12), "12 bytes");
    }
}
