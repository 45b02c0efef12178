//! Text → segments: the delimiters come from each ISA header, not from a fixed table.
//!
//! X12 has no fixed punctuation. The ISA header names it: the element separator is the character
//! right after `ISA`, the component separator is ISA16, and the segment terminator is the character
//! after ISA16. Real files vary all three (`*`/`:`/`~`, `|`/`^`, `+`/`>` with one segment per line),
//! put line breaks around segments (CRLF after `~`, or `\n~` before every segment), pad ISA fields
//! with spaces or dots, start with a paragraph of prose, concatenate many interchanges, or leave
//! the envelope out and start at `ST`. [`find_start`] finds where the X12 starts and with which
//! delimiters; [`Splitter`] then yields one [`Segment`] at a time, re-reading the delimiters at
//! every ISA. Line breaks and spaces around a segment are never part of it.

/// The punctuation of one interchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Delimiters {
    pub element: char,
    pub component: char,
    pub terminator: char,
}

/// One segment: its number in the file (1-based, every segment counts, ISA included) and its
/// elements. `element(1)` is the first element after the segment id, as X12 numbers them.
#[derive(Debug)]
pub(crate) struct Segment<'a> {
    pub number: usize,
    pub id: &'a str,
    elements: Vec<&'a str>,
    pub component: char,
}

impl<'a> Segment<'a> {
    /// Element `index` (1-based) with surrounding spaces removed, or `""` when absent.
    pub fn element(&self, index: usize) -> &'a str {
        self.elements.get(index).map(|e| e.trim()).unwrap_or("")
    }

    /// How many elements follow the segment id (trailing empty ones included).
    pub fn element_count(&self) -> usize {
        self.elements.len().saturating_sub(1)
    }

    /// The components of composite element `index`, trimmed; empty when the element is empty.
    ///
    /// Some writers declare one component separator in ISA16 and use another (`HC>55669` under a
    /// declared `:`). When the declared one is absent and the element is a two-character
    /// qualifier followed by a common separator, that separator is used, and returned so the
    /// reader can say so.
    pub fn composite(&self, index: usize) -> (Vec<&'a str>, Option<char>) {
        let element = self.element(index);
        if element.is_empty() {
            return (Vec::new(), None);
        }
        if !element.contains(self.component) {
            let mut chars = element.chars();
            if let (Some(a), Some(b), Some(c), Some(_)) =
                (chars.next(), chars.next(), chars.next(), chars.next())
            {
                if a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric() && COMPONENT_SEPARATORS.contains(&c)
                {
                    return (element.split(c).map(str::trim).collect(), Some(c));
                }
            }
        }
        (element.split(self.component).map(str::trim).collect(), None)
    }
}

/// Component separators seen in real files, for [`Segment::composite`]'s fallback.
const COMPONENT_SEPARATORS: [char; 7] = [':', '>', '^', '|', '<', '\\', '!'];

/// Where the X12 begins and with which delimiters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Start {
    pub offset: usize,
    pub delimiters: Delimiters,
    /// True when the data starts at a bare `ST`/`GS` with no ISA envelope, so the delimiters
    /// were guessed.
    pub guessed: bool,
}

/// How far into a file we look for an ISA after a prose preamble.
const PREAMBLE_SEARCH_CHARS: usize = 64 * 1024;

/// An ISA header is about 106 characters; some writers do not pad to fixed widths, so allow more.
const MAX_ISA_CHARS: usize = 400;

/// Finds the first ISA header (at the start, after whitespace or a BOM, or at the start of a
/// line after a prose preamble), or else a bare `ST`/`GS` segment at the start of the text.
pub(crate) fn find_start(text: &str) -> Option<Start> {
    let begin = skip_blank(text, 0);
    if let Some(isa) = read_isa(text, begin) {
        return Some(Start { offset: begin, delimiters: isa.delimiters, guessed: false });
    }
    if let Some(delimiters) = bare_start(text, begin) {
        return Some(Start { offset: begin, delimiters, guessed: true });
    }
    // A preamble: the ISA must start a line.
    let window = prefix_chars(text, PREAMBLE_SEARCH_CHARS);
    let mut from = 0;
    while let Some(found) = window[from..].find("ISA") {
        let at = from + found;
        let line_start = window[..at].chars().next_back().is_none_or(|c| c == '\n' || c == '\r');
        if line_start {
            if let Some(isa) = read_isa(text, at) {
                return Some(Start { offset: at, delimiters: isa.delimiters, guessed: false });
            }
        }
        from = at + 3;
    }
    None
}

/// The first `max` characters of `text`, cut on a character boundary.
fn prefix_chars(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((cut, _)) => &text[..cut],
        None => text,
    }
}

/// Skips a byte-order mark and whitespace.
fn skip_blank(text: &str, from: usize) -> usize {
    let rest = &text[from..];
    let trimmed = rest.trim_start_matches(|c: char| c == '\u{feff}' || c.is_whitespace());
    from + (rest.len() - trimmed.len())
}

struct IsaHeader {
    delimiters: Delimiters,
    /// Length of the ISA segment's own text, ISA16 included, terminator excluded.
    len: usize,
}

/// Reads the delimiters from an ISA header at `at`, or `None` when this is not one.
fn read_isa(text: &str, at: usize) -> Option<IsaHeader> {
    let rest = text.get(at..)?;
    let after_id = rest.strip_prefix("ISA")?;
    let mut chars = after_id.char_indices();
    let (_, element) = chars.next()?;
    if element.is_alphanumeric() || element.is_whitespace() {
        return None;
    }
    // Count the 16 element separators; ISA16 is the character after the 16th.
    let mut separators = 1;
    let mut component = None;
    for (index, c) in chars.by_ref().take(MAX_ISA_CHARS) {
        if separators == 16 {
            component = Some((index, c));
            break;
        }
        if c == '\n' || c == '\r' {
            return None;
        }
        if c == element {
            separators += 1;
        }
    }
    let (component_at, component) = component?;
    if component.is_whitespace() || component == element {
        return None;
    }
    let len = 3 + component_at + component.len_utf8();
    let after = &rest[len..];
    let next = after.chars().next()?;
    let terminator = if next == '\r' || next == '\n' {
        // Either the line break is the terminator, or the terminator leads the next segment
        // ("\n~GS|..."): then the first visible character is punctuation followed by a letter.
        let visible = after.trim_start_matches(|c: char| c.is_whitespace());
        let mut ahead = visible.chars();
        match (ahead.next(), ahead.next()) {
            (Some(lead), Some(letter))
                if !lead.is_alphanumeric()
                    && lead != element
                    && lead != component
                    && letter.is_ascii_uppercase() =>
            {
                lead
            }
            _ => '\n',
        }
    } else {
        next
    };
    if terminator.is_alphanumeric() || terminator == element || terminator == component {
        return None;
    }
    Some(IsaHeader { delimiters: Delimiters { element, component, terminator }, len })
}

/// Delimiters guessed for data without an envelope: the element separator is the character after
/// the segment id (`ST*835*`), the terminator is `~` when one appears before the first line break
/// and a line break otherwise, and the component separator is the one inside the first SVC
/// procedure (`SVC*HC>`), else `:`, the common default.
fn bare_start(text: &str, at: usize) -> Option<Delimiters> {
    let rest = text.get(at..)?;
    let (after_id, code_len, code_is): (&str, usize, fn(&u8) -> bool) =
        if let Some(after) = rest.strip_prefix("ST") {
            (after, 3, u8::is_ascii_digit) // the transaction set id: 835, 837
        } else if let Some(after) = rest.strip_prefix("GS") {
            (after, 2, u8::is_ascii_uppercase) // the functional id: HP
        } else {
            return None;
        };
    let element = after_id.chars().next()?;
    if element.is_alphanumeric() || element.is_whitespace() || element == '~' {
        return None;
    }
    let after_sep = &after_id[element.len_utf8()..];
    let code = after_sep.as_bytes().get(..code_len)?;
    if !code.iter().all(code_is) || !after_sep[code_len..].starts_with(element) {
        return None;
    }
    let terminator = match (rest.find('~'), rest.find('\n')) {
        (Some(tilde), Some(newline)) if newline < tilde => '\n',
        (Some(_), _) => '~',
        (None, Some(_)) => '\n',
        (None, None) => '~',
    };
    let svc = format!("SVC{element}");
    let component = rest
        .find(&svc)
        .and_then(|i| rest[i + svc.len()..].chars().nth(2))
        .filter(|c| !c.is_alphanumeric() && !c.is_whitespace() && *c != element && *c != terminator)
        .unwrap_or(':');
    Some(Delimiters { element, component, terminator })
}

/// Yields the segments of a text from a [`Start`], re-reading the delimiters at every ISA.
pub(crate) struct Splitter<'a> {
    text: &'a str,
    pos: usize,
    delimiters: Delimiters,
    number: usize,
}

impl<'a> Splitter<'a> {
    pub fn new(text: &'a str, start: Start) -> Splitter<'a> {
        Splitter { text, pos: start.offset, delimiters: start.delimiters, number: 0 }
    }

    fn emit(&mut self, raw: &'a str) -> Segment<'a> {
        self.number += 1;
        let elements: Vec<&'a str> = raw.split(self.delimiters.element).collect();
        let id = elements.first().map(|id| id.trim()).unwrap_or("");
        Segment { number: self.number, id, elements, component: self.delimiters.component }
    }
}

impl<'a> Iterator for Splitter<'a> {
    type Item = Segment<'a>;

    fn next(&mut self) -> Option<Segment<'a>> {
        loop {
            self.pos = skip_blank(self.text, self.pos);
            let rest = self.text.get(self.pos..)?;
            if rest.is_empty() {
                return None;
            }
            if rest.starts_with("ISA") {
                if let Some(isa) = read_isa(self.text, self.pos) {
                    self.delimiters = isa.delimiters;
                    let raw = &rest[..isa.len];
                    self.pos += isa.len;
                    if self.text[self.pos..].starts_with(self.delimiters.terminator) {
                        self.pos += self.delimiters.terminator.len_utf8();
                    }
                    return Some(self.emit(raw));
                }
            }
            let end = rest.find(self.delimiters.terminator).unwrap_or(rest.len());
            let raw = rest[..end].trim();
            self.pos += (end + self.delimiters.terminator.len_utf8()).min(rest.len());
            if !raw.is_empty() {
                return Some(self.emit(raw));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<String> {
        let start = find_start(text).expect("a start");
        Splitter::new(text, start).map(|s| s.id.to_string()).collect()
    }

    const ISA_STAR: &str = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *110930*1105*^*00501*000004592*0*T*:~";

    #[test]
    fn delimiters_come_from_the_isa_header() {
        let start = find_start(ISA_STAR).unwrap();
        assert_eq!(start.delimiters, Delimiters { element: '*', component: ':', terminator: '~' });
        let pipes = ISA_STAR.replace('*', "|").replace(':', "^");
        let start = find_start(&pipes).unwrap();
        assert_eq!(start.delimiters, Delimiters { element: '|', component: '^', terminator: '~' });
    }

    #[test]
    fn unpadded_isa_fields_still_give_the_delimiters() {
        let text = "ISA|00|          |00|          |ZZ|MADE UP CLEARING HOUSE         |ZZ|611358935      |130508|0641|U|00401|000003063|0|P|^~GS|HP~";
        assert_eq!(ids(text), ["ISA", "GS"]);
        assert_eq!(find_start(text).unwrap().delimiters.component, '^');
    }

    #[test]
    fn line_break_terminator_after_prose_preamble() {
        let text = "Business Scenario 1 - about ISA segments.\r\n\r\nISA+00+..........+01+SECRET....+ZZ+SUBMITTERS.ID..+ZZ+RECEIVERS.ID...+030101+1253+~+00501+000000905+1+T+>\r\nGS+HP+X\r\nST+835+1234\r\n";
        let start = find_start(text).unwrap();
        assert_eq!(start.delimiters, Delimiters { element: '+', component: '>', terminator: '\n' });
        assert_eq!(ids(text), ["ISA", "GS", "ST"]);
    }

    #[test]
    fn terminator_leading_each_line_is_found() {
        let text = "ISA|00|          |00|          |ZZ|MYCLEARINGHOUSE|ZZ|RECVCODE       |120323|1938|U|00401|000015442|1|P|^\n~GS|HP|A\n~ST|835|0001\n~SE|2|0001\n";
        let start = find_start(text).unwrap();
        assert_eq!(start.delimiters.terminator, '~');
        assert_eq!(ids(text), ["ISA", "GS", "ST", "SE"]);
    }

    #[test]
    fn crlf_after_each_terminator_is_not_part_of_segments() {
        let text = format!("{ISA_STAR}\r\nGS*HP*A~\r\nST*835*1~\r\n");
        let start = find_start(&text).unwrap();
        let segments: Vec<_> = Splitter::new(&text, start).collect();
        assert_eq!(segments.len(), 3);
        assert_eq!(segments[2].element(2), "1");
        assert_eq!(segments[2].number, 3);
    }

    #[test]
    fn every_interchange_sets_its_own_delimiters() {
        let second = ISA_STAR.replace('*', "|").replace(':', "^");
        let text = format!("{ISA_STAR}GS*HP~IEA*1*1~{second}GS|HP|X~IEA|1|1~");
        let start = find_start(&text).unwrap();
        let segments: Vec<_> = Splitter::new(&text, start).collect();
        let ids: Vec<_> = segments.iter().map(|s| s.id).collect();
        assert_eq!(ids, ["ISA", "GS", "IEA", "ISA", "GS", "IEA"]);
        assert_eq!(segments[4].element(2), "X");
    }

    #[test]
    fn bare_st_without_envelope_guesses_delimiters() {
        let text = "ST*835*1234~BPR*I*1.00~SE*3*1234~";
        let start = find_start(text).unwrap();
        assert!(start.guessed);
        assert_eq!(start.delimiters, Delimiters { element: '*', component: ':', terminator: '~' });
        assert_eq!(ids(text), ["ST", "BPR", "SE"]);
        let lines = "ST|835|1\nBPR|I|1\nSVC|HC>99213|1|1\n";
        let guessed = find_start(lines).unwrap().delimiters;
        assert_eq!(guessed, Delimiters { element: '|', component: '>', terminator: '\n' });
        assert!(find_start("ST,City,Zip\nMI,Lansing,48909\n").is_none());
    }

    #[test]
    fn prose_without_isa_or_st_is_not_x12() {
        assert!(find_start("Patient,Charge\nA,1.00\n").is_none());
        assert!(find_start("VISA card statement\nISAAC wrote this").is_none());
        assert!(find_start("").is_none());
        assert!(find_start("ISA*00").is_none());
    }

    #[test]
    fn composite_with_an_undeclared_separator_is_read_and_flagged() {
        let text = format!("{ISA_STAR}SVC*HC>12345>26*166.50*30~SVC*HC*1~PLB*1*20021231*CV>CP*-1.27~");
        let start = find_start(&text).unwrap();
        let segments: Vec<_> = Splitter::new(&text, start).collect();
        assert_eq!(segments[1].composite(1), (vec!["HC", "12345", "26"], Some('>')));
        assert_eq!(segments[2].composite(1), (vec!["HC"], None));
        assert_eq!(segments[3].composite(3), (vec!["CV", "CP"], Some('>')));
    }

    #[test]
    fn components_split_on_the_component_separator() {
        let text = format!("{ISA_STAR}SVC*HC:99213:25:59*100*80~");
        let start = find_start(&text).unwrap();
        let svc = Splitter::new(&text, start).nth(1).unwrap();
        assert_eq!(svc.composite(1), (vec!["HC", "99213", "25", "59"], None));
        assert_eq!(svc.element(9), "");
        assert_eq!(svc.element_count(), 3);
    }
}
