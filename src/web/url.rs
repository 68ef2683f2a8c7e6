//! Percent-encoding of the path segments and file names the web puts into
//! addresses and `Content-Disposition` headers.

/// What a path segment or file name keeps as it is: RFC 3986's
/// unreserved characters.
const UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes a path segment or file name.
pub fn percent(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, UNRESERVED).to_string()
}
