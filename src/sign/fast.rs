//! The first signature of a PDF as Typst writes it, without parsing the
//! whole file: one classic cross-reference table, no `/Prev`, a catalogue
//! without `/AcroForm` and a first page without `/Annots`. Only those
//! objects are read (at the offsets the table gives), copied with the
//! entries a signature needs, and appended with a new table. lopdf parses
//! every object of the file (thousands in a tagged report), which made
//! signing cost as much as a fifth of rendering; anything this path does
//! not recognise goes to the lopdf path in [`super::pdf`].

/// The update appended after `bytes`: the signed file with placeholders,
/// and where the update starts; `None` when the file is not of the simple
/// shape this path handles.
pub(super) fn update(bytes: &[u8], sig_dict: &str, field: &str) -> Option<(Vec<u8>, usize)> {
    let xref_at = start_xref(bytes)?;
    let (offsets, trailer) = table(bytes, xref_at)?;
    if trailer.contains("/Prev") || trailer.contains("/Encrypt") {
        return None;
    }
    let size = number_after(&trailer, "/Size")?;
    let root = number_after(&trailer, "/Root")?;
    let catalog = dict(bytes, *offsets.get(root)?, root)?;
    if catalog.contains("/AcroForm") {
        return None;
    }
    let pages = number_after(&catalog, "/Pages")?;
    let pages_dict = dict(bytes, *offsets.get(pages)?, pages)?;
    let kids = pages_dict.find("/Kids[")? + "/Kids[".len();
    let page = pages_dict[kids..]
        .split_whitespace()
        .next()?
        .parse::<usize>()
        .ok()?;
    let page_dict = dict(bytes, *offsets.get(page)?, page)?;
    if page_dict.contains("/Annots")
        || !page_dict.contains("/Type/Page")
        || page_dict.contains("/Type/Pages")
    {
        return None;
    }
    let (sig, widget) = (size, size + 1);
    let objects = [
        (sig, sig_dict.to_string()),
        (
            widget,
            format!(
                "<</Type/Annot/Subtype/Widget/FT/Sig/T{field}/V {sig} 0 R/P {page} 0 R/Rect[0 0 0 0]/F 132>>"
            ),
        ),
        (
            root,
            format!(
                "{}/AcroForm<</Fields[{widget} 0 R]/SigFlags 3>>>>",
                strip_end(&catalog)?
            ),
        ),
        (
            page,
            format!("{}/Annots[{widget} 0 R]>>", strip_end(&page_dict)?),
        ),
    ];
    let mut out = bytes.to_vec();
    if out.last() != Some(&b'\n') {
        out.push(b'\n');
    }
    let from = out.len();
    let mut written: Vec<(usize, usize)> = Vec::new();
    for (id, body) in &objects {
        written.push((*id, out.len()));
        out.extend_from_slice(format!("{id} 0 obj\n{body}\nendobj\n").as_bytes());
    }
    written.sort();
    let new_xref = out.len();
    let mut xref = String::from("xref\n");
    for (id, at) in &written {
        xref.push_str(&format!("{id} 1\n{at:010} 00000 n \n"));
    }
    let keep = |key: &str| trailer.find(key).map(|i| entry_text(&trailer[i..]));
    let mut t = format!(
        "trailer\n<</Size {}/Root {root} 0 R/Prev {xref_at}",
        size + 2
    );
    for key in ["/Info", "/ID"] {
        if let Some(text) = keep(key) {
            t.push_str(&text);
        }
    }
    t.push_str(&format!(">>\nstartxref\n{new_xref}\n%%EOF\n"));
    out.extend_from_slice(xref.as_bytes());
    out.extend_from_slice(t.as_bytes());
    Some((out, from))
}

/// The offset `startxref` names.
fn start_xref(bytes: &[u8]) -> Option<usize> {
    let tail = &bytes[bytes.len().saturating_sub(64)..];
    let at = super::pdf::find(tail, b"startxref")? + "startxref".len();
    std::str::from_utf8(&tail[at..])
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// The objects' offsets (by number) of a one-section table, and the
/// trailer dictionary's text.
fn table(bytes: &[u8], at: usize) -> Option<(Vec<usize>, String)> {
    let text = std::str::from_utf8(bytes.get(at..)?).ok()?;
    let mut lines = text.lines();
    if lines.next()?.trim() != "xref" {
        return None;
    }
    let mut head = lines.next()?.split_whitespace();
    let (first, count): (usize, usize) = (head.next()?.parse().ok()?, head.next()?.parse().ok()?);
    if first != 0 {
        return None;
    }
    let mut offsets = Vec::with_capacity(count);
    for _ in 0..count {
        offsets.push(lines.next()?.split_whitespace().next()?.parse().ok()?);
    }
    if lines.next()?.trim() != "trailer" {
        return None;
    }
    let rest: String = lines.collect::<Vec<_>>().join("\n");
    let end = rest.find("startxref")?;
    Some((offsets, rest[..end].trim().to_string()))
}

/// The dictionary text of object `id` at `at` (`id 0 obj <<…>> endobj`).
fn dict(bytes: &[u8], at: usize, id: usize) -> Option<String> {
    let head = format!("{id} 0 obj");
    let rest = bytes.get(at..)?;
    if !rest.starts_with(head.as_bytes()) {
        return None;
    }
    let end = super::pdf::find(rest, b"endobj")?;
    let body = std::str::from_utf8(&rest[head.len()..end]).ok()?.trim();
    (body.starts_with("<<") && body.ends_with(">>") && !body.contains("stream"))
        .then(|| body.to_string())
}

fn strip_end(dict: &str) -> Option<&str> {
    dict.strip_suffix(">>")
}

/// The first integer after `key` in a dictionary's text.
fn number_after(text: &str, key: &str) -> Option<usize> {
    let i = text.find(key)? + key.len();
    text[i..]
        .split(|c: char| !c.is_ascii_digit())
        .find(|s| !s.is_empty())?
        .parse()
        .ok()
}

/// One entry's text from its key to the next key at the same level
/// (`/ID[(…)(…)]`, `/Info 101 0 R`).
fn entry_text(from_key: &str) -> String {
    let mut depth = 0i32;
    let mut in_string = false;
    for (i, c) in from_key.char_indices().skip(1) {
        match c {
            '(' => in_string = true,
            ')' => in_string = false,
            '[' | '<' if !in_string => depth += 1,
            ']' | '>' if !in_string => depth -= 1,
            '/' if depth == 0 && !in_string => return from_key[..i].to_string(),
            _ => {}
        }
        if depth < 0 {
            return from_key[..i].to_string();
        }
    }
    from_key.to_string()
}
