//! A small walker over JPEG header segments (up to the first scan): structure facts without
//! decoding pixels (baseline or progressive, JFIF density, metadata present) and COM padding.

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JpegStructure {
    /// SOF0/SOF1 (sequential Huffman) = baseline-compatible; SOF2 = progressive.
    pub progressive: bool,
    pub sof_marker: u8,
    pub components: u8,
    pub width: u32,
    pub height: u32,
    /// JFIF APP0: (unit, x, y); unit 1 = dots per inch, 2 = per cm.
    pub jfif_density: Option<(u8, u16, u16)>,
    pub has_exif: bool,
    pub has_xmp: bool,
    pub has_icc: bool,
    pub has_adobe: bool,
    /// The headers end in a start-of-scan segment (image data follows).
    pub has_scan: bool,
    /// APP1 Exif payloads (after "Exif\0\0") and ICC chunks, for the decoder.
    pub exif: Option<Vec<u8>>,
    pub icc: Option<Vec<u8>>,
}

/// Offset where a JPEG starts: 0, or after a little junk (some cameras and old tools write a
/// few bytes before SOI; common decoders accept it).
pub fn soi_offset(data: &[u8]) -> Option<usize> {
    let window = &data[..data.len().min(4096)];
    window.windows(3).position(|w| w == [0xFF, 0xD8, 0xFF])
}

pub fn parse(data: &[u8]) -> Option<JpegStructure> {
    let start = soi_offset(data)?;
    let d = &data[start..];
    let mut s = JpegStructure::default();
    let mut icc_chunks: Vec<(u8, Vec<u8>)> = Vec::new();
    let mut i = 2;
    loop {
        // Skip fill bytes.
        while i < d.len() && d[i] == 0xFF && i + 1 < d.len() && d[i + 1] == 0xFF {
            i += 1;
        }
        if i < d.len() && d[i] != 0xFF {
            // Garbage between segments: libjpeg skips it with a warning, so do we.
            match d[i..].iter().position(|&b| b == 0xFF) {
                Some(p) => i += p,
                None => return Some(s),
            }
            continue;
        }
        if i + 2 > d.len() {
            return Some(s); // ended inside the headers: incomplete
        }
        let m = d[i + 1];
        if m == 0xD9 {
            break;
        }
        if i + 4 > d.len() {
            return Some(s);
        }
        if (0xD0..=0xD7).contains(&m) || m == 0x01 {
            i += 2;
            continue;
        }
        let len = u16::from_be_bytes([d[i + 2], d[i + 3]]) as usize;
        if len < 2 || i + 2 + len > d.len() {
            return Some(s);
        }
        let body = &d[i + 4..i + 2 + len];
        match m {
            0xC0..=0xCF if m != 0xC4 && m != 0xC8 && m != 0xCC => {
                s.sof_marker = m;
                s.progressive = matches!(m, 0xC2 | 0xC6 | 0xCA | 0xCE);
                if body.len() >= 6 {
                    s.height = u16::from_be_bytes([body[1], body[2]]) as u32;
                    s.width = u16::from_be_bytes([body[3], body[4]]) as u32;
                    s.components = body[5];
                }
            }
            0xE0 if body.starts_with(b"JFIF\0") && body.len() >= 12 => {
                s.jfif_density = Some((body[7], u16::from_be_bytes([body[8], body[9]]), u16::from_be_bytes([body[10], body[11]])));
            }
            0xE1 if body.starts_with(b"Exif\0\0") => {
                s.has_exif = true;
                s.exif = Some(body[6..].to_vec());
            }
            0xE1 if body.starts_with(b"http://ns.adobe.com/") => s.has_xmp = true,
            0xE2 if body.starts_with(b"ICC_PROFILE\0") && body.len() > 14 => {
                s.has_icc = true;
                icc_chunks.push((body[12], body[14..].to_vec()));
            }
            0xEE if body.starts_with(b"Adobe") => s.has_adobe = true,
            // Start of scan: the headers are over. Truncation inside the entropy-coded data
            // is caught by the decoder (libjpeg's premature-end warnings are errors to us).
            0xDA => {
                s.has_scan = true;
                break;
            }
            _ => {}
        }
        i += 2 + len;
    }
    finish_icc(&mut s, icc_chunks);
    Some(s)
}

fn finish_icc(s: &mut JpegStructure, mut chunks: Vec<(u8, Vec<u8>)>) {
    if chunks.is_empty() {
        return;
    }
    chunks.sort_by_key(|c| c.0);
    s.icc = Some(chunks.into_iter().flat_map(|c| c.1).collect());
}

/// Inserts COM segments right after the JFIF header (or SOI) so the file grows by exactly
/// `extra` bytes (`extra` >= 4; a segment costs 4 bytes of header). Valid JPEG, unlike bytes
/// after EOI, which strict validators reject.
pub fn pad_with_comment(jpeg: &[u8], extra: usize) -> Vec<u8> {
    assert!(extra >= 4);
    let mut at = 2;
    if jpeg.len() > 6 && jpeg[2] == 0xFF && jpeg[3] == 0xE0 {
        at = 4 + u16::from_be_bytes([jpeg[4], jpeg[5]]) as usize;
    }
    let mut out = Vec::with_capacity(jpeg.len() + extra);
    out.extend_from_slice(&jpeg[..at]);
    let mut left = extra;
    const MAX_SEG: usize = 4 + 65533;
    while left > 0 {
        let mut seg = left.min(MAX_SEG);
        // Never leave a remainder too small for a segment header.
        if left - seg > 0 && left - seg < 4 {
            seg -= 4;
        }
        let payload = seg - 4;
        out.extend_from_slice(&[0xFF, 0xFE]);
        out.extend_from_slice(&((payload + 2) as u16).to_be_bytes());
        out.extend(std::iter::repeat_n(b' ', payload));
        left -= seg;
    }
    out.extend_from_slice(&jpeg[at..]);
    out
}
