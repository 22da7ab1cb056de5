//! Small text helpers shared by the data files' parsers.

/// The 1-based line of a byte `offset` in `text` (for errors in TOML files).
pub fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].bytes().filter(|&b| b == b'\n').count() + 1
}
