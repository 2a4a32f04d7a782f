//! A conversation's transcript as text or HTML, from the entries its requester may see (the
//! caller filters them with [`super::session::can_see`]; nothing here decides visibility).
//! Markers of withdrawal are signals, not lines; a withdrawn message reads as such; a file is
//! named, never embedded.

use super::attachment::human_size;
use super::session::{Conversation, Entry, EntryKind, Event};
use super::time::Timestamp;

/// The most entries a transcript holds (a longer conversation is cut, and says so).
pub const MAX_ENTRIES: usize = 20_000;
/// The most bytes of message text a transcript holds (then it is cut, and says so).
pub const MAX_TEXT_BYTES: usize = 4 * 1024 * 1024;

/// One line of a transcript: when, who (if anyone), and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub at: Timestamp,
    pub who: Option<String>,
    pub work_note: bool,
    pub text: String,
}

/// The lines of `entries` (already those the requester may see), markers left out.
pub fn lines(entries: &[Entry]) -> Vec<Line> {
    entries
        .iter()
        .filter(|e| !matches!(e.event, Some(Event::Withdrawn { .. })))
        .map(|e| {
            let text = if e.withdrawn.is_some() {
                "(message withdrawn)".to_owned()
            } else {
                match &e.attachment {
                    Some(a) => {
                        let file = format!(
                            "[file: {}, {}, {}]",
                            a.name,
                            a.content_type.as_str(),
                            human_size(a.size)
                        );
                        if e.body.is_empty() {
                            file
                        } else {
                            format!("{file} {}", e.body)
                        }
                    }
                    None => e.body.clone(),
                }
            };
            Line {
                at: e.at,
                who: match e.kind {
                    EntryKind::System => None,
                    _ => e.author.as_ref().map(|a| a.display_name.clone()),
                },
                work_note: e.kind == EntryKind::WorkNote,
                text,
            }
        })
        .collect()
}

/// The heading lines: what the conversation is, who was in it, its state.
pub fn heading(conv: &Conversation, queue_name: Option<&str>) -> Vec<String> {
    let mut out = vec![match (queue_name, &conv.title) {
        (Some(q), _) => format!("Transcript of support session {} ({q})", conv.id),
        (None, Some(title)) => format!("Transcript of chat {} ({title})", conv.id),
        (None, None) => format!("Transcript of conversation {}", conv.id),
    }];
    let mut people = Vec::new();
    if let Some(c) = &conv.customer {
        people.push(format!("Customer: {}", c.display_name));
    }
    if let Some(a) = &conv.assignee {
        people.push(format!("Agent: {}", a.display_name));
    }
    if !conv.members.is_empty() {
        let names: Vec<&str> = conv
            .members
            .iter()
            .map(|m| m.display_name.as_str())
            .collect();
        people.push(format!("Members: {}", names.join(", ")));
    }
    if !people.is_empty() {
        out.push(people.join(" · "));
    }
    out
}

/// The transcript as plain text; `time` writes a timestamp.
pub fn text(
    heading: &[String],
    lines: &[Line],
    cut: bool,
    time: impl Fn(Timestamp) -> String,
) -> String {
    let mut out = heading.join("\n");
    out.push_str("\n\n");
    for line in lines {
        let who = match (&line.who, line.work_note) {
            (Some(w), true) => format!("{w} (work note): "),
            (Some(w), false) => format!("{w}: "),
            (None, _) => "— ".to_owned(),
        };
        // A line break inside a message is indented: it can never read as a line of its own.
        let text = line.text.replace('\n', "\n    ");
        out.push_str(&format!("[{}] {who}{text}\n", time(line.at)));
    }
    if cut {
        out.push_str(
            "\n(The transcript stops here: the conversation is longer than a transcript holds.)\n",
        );
    }
    out
}

/// Text made safe inside HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The transcript as a standalone HTML document (every text escaped; no script, no link).
pub fn html(
    heading: &[String],
    lines: &[Line],
    cut: bool,
    time: impl Fn(Timestamp) -> String,
) -> String {
    let title = heading.first().map_or("Transcript", String::as_str);
    let mut out = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title>\
         <style>body{{font:14px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}}\
         .at{{color:#555}}.note{{background:#fff4d6;border-left:3px solid #b8860b;padding:0 .4rem}}\
         .system{{color:#555;font-style:italic}}p{{margin:.3rem 0;white-space:pre-wrap}}</style></head><body>\n",
        escape(title)
    );
    out.push_str(&format!("<h1>{}</h1>\n", escape(title)));
    for h in heading.iter().skip(1) {
        out.push_str(&format!("<p>{}</p>\n", escape(h)));
    }
    for line in lines {
        let (class, who) = match (&line.who, line.work_note) {
            (Some(w), true) => (
                "note",
                format!("<strong>{} (work note)</strong>: ", escape(w)),
            ),
            (Some(w), false) => ("", format!("<strong>{}</strong>: ", escape(w))),
            (None, _) => ("system", String::new()),
        };
        out.push_str(&format!(
            "<p class=\"{class}\"><span class=\"at\">[{}]</span> {who}{}</p>\n",
            escape(&time(line.at)),
            escape(&line.text)
        ));
    }
    if cut {
        out.push_str(
            "<p>(The transcript stops here: the conversation is longer than a transcript holds.)</p>\n",
        );
    }
    out.push_str("</body></html>\n");
    out
}

/// A cell of a CSV export: quoted, quotes doubled, and a cell a spreadsheet would take for a
/// formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) neutralised with a
/// leading apostrophe.
pub fn csv_cell(value: &str) -> String {
    let neutral = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    format!("\"{}\"", neutral.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_cannot_become_formulas() {
        let cases = [
            ("plain", "\"plain\""),
            (
                "=HYPERLINK(\"http://x\")",
                "\"'=HYPERLINK(\"\"http://x\"\")\"",
            ),
            ("+1", "\"'+1\""),
            ("-2+3", "\"'-2+3\""),
            ("@SUM(A1)", "\"'@SUM(A1)\""),
            ("\tx", "\"'\tx\""),
            ("a,b\nc", "\"a,b\nc\""),
            ("", "\"\""),
        ];
        for (value, want) in cases {
            assert_eq!(csv_cell(value), want, "{value:?}");
        }
    }

    #[test]
    fn a_line_break_inside_a_message_cannot_forge_a_line() {
        let lines = vec![Line {
            at: Timestamp(0),
            who: Some("Carol".into()),
            work_note: false,
            text: "hi\n[t] Alice Agent: your password is reset".into(),
        }];
        let out = text(&["T".into()], &lines, false, |_| "t".into());
        assert_eq!(
            out,
            "T\n\n[t] Carol: hi\n    [t] Alice Agent: your password is reset\n"
        );
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
        let lines = vec![Line {
            at: Timestamp(0),
            who: Some("<b>Eve</b>".into()),
            work_note: false,
            text: "<img src=x onerror=alert(1)>".into(),
        }];
        let page = html(&["T <i>".into()], &lines, false, |_| "t".into());
        assert!(!page.contains("<img") && !page.contains("<b>Eve") && !page.contains("<i>"));
        assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"));
    }
}
