//! Fixtures and helpers shared by the cross-cutting tests and the benchmark.
use caiji_image::encode::{self, Chroma, Settings};
use caiji_image::resize::resize_region;
use image::DynamicImage;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The sample images the tests read, kept in the repository (`tests/fixtures/samples`, with
/// their provenance and licences) so that a clone alone passes its tests.
pub fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/samples")
}

pub fn sample(rel: &str) -> PathBuf {
    samples().join(rel)
}

/// The `caiji` binary cargo built for this test run.
/// The built `caiji-server` binary (the fault tests kill and restart it).
pub fn server_bin() -> PathBuf {
    caiji_bin().with_file_name(if cfg!(windows) { "caiji-server.exe" } else { "caiji-server" })
}

pub fn caiji_bin() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap();
    let dir = if dir.ends_with("deps") { dir.parent().unwrap() } else { dir };
    let bin = dir.join(if cfg!(windows) { "caiji.exe" } else { "caiji" });
    assert!(bin.exists(), "{} missing: `cargo build -p caiji` first (scripts/test.sh does)", bin.display());
    bin
}

/// A minimal EXIF block (TIFF, little-endian): orientation, camera make and a GPS position,
/// as phones write them.
pub fn exif_block(orientation: u16) -> Vec<u8> {
    let mut t: Vec<u8> = b"II*\0".to_vec();
    t.extend_from_slice(&8u32.to_le_bytes());
    // IFD0: 3 entries: Make, Orientation, GPS pointer.
    let ifd0_len = 2 + 3 * 12 + 4;
    let make_off = 8 + ifd0_len;
    let make = b"CaijiPhone\0";
    let gps_off = make_off + make.len() as u32 + 1; // keep even
    let entry = |t: &mut Vec<u8>, tag: u16, typ: u16, count: u32, val: u32| {
        t.extend_from_slice(&tag.to_le_bytes());
        t.extend_from_slice(&typ.to_le_bytes());
        t.extend_from_slice(&count.to_le_bytes());
        t.extend_from_slice(&val.to_le_bytes());
    };
    t.extend_from_slice(&3u16.to_le_bytes());
    entry(&mut t, 0x010F, 2, make.len() as u32, make_off);
    entry(&mut t, 0x0112, 3, 1, orientation as u32);
    entry(&mut t, 0x8825, 4, 1, gps_off);
    t.extend_from_slice(&0u32.to_le_bytes());
    t.extend_from_slice(make);
    t.push(0);
    // GPS IFD: latitude ref N, latitude 40/1 49/1 0/1 (rationals after the IFD).
    let gps_len = 2 + 2 * 12 + 4;
    let rat_off = gps_off + gps_len;
    t.extend_from_slice(&2u16.to_le_bytes());
    entry(&mut t, 0x0001, 2, 2, u32::from_le_bytes(*b"N\0\0\0"));
    entry(&mut t, 0x0002, 5, 3, rat_off);
    t.extend_from_slice(&0u32.to_le_bytes());
    for (n, d) in [(40u32, 1u32), (49, 1), (0, 1)] {
        t.extend_from_slice(&n.to_le_bytes());
        t.extend_from_slice(&d.to_le_bytes());
    }
    t
}

/// A PNG with an `eXIf` chunk (orientation and a GPS position, [`exif_block`]) put after its
/// pixels, just before IEND, as some programs write it.
pub fn png_with_exif(png: &[u8], orientation: u16) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut c = 0xFFFF_FFFFu32;
        for &b in bytes {
            c ^= b as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            }
        }
        !c
    }
    let tiff = exif_block(orientation);
    let iend = png.len() - 12;
    assert_eq!(&png[iend + 4..iend + 8], b"IEND");
    let mut chunk = (tiff.len() as u32).to_be_bytes().to_vec();
    let body: Vec<u8> = b"eXIf".iter().chain(&tiff).copied().collect();
    chunk.extend_from_slice(&body);
    chunk.extend_from_slice(&crc32(&body).to_be_bytes());
    [&png[..iend], &chunk, &png[iend..]].concat()
}

/// Inserts an APP1 Exif segment right after SOI.
pub fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let tiff = exif_block(orientation);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((tiff.len() + 8) as u16).to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(&tiff);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// The upright content of the phone fixture: the astronaut portrait (NASA, public domain)
/// at 3024×4032 with sensor-like noise, so that it compresses like a real phone photo.
pub fn phone_upright() -> &'static DynamicImage {
    static IMG: OnceLock<DynamicImage> = OnceLock::new();
    IMG.get_or_init(|| {
        let src = image::open(sample("photos/astronaut.png")).unwrap().to_rgb8();
        let src = DynamicImage::ImageRgb8(src);
        // 3:4 portrait crop of the 512×512 picture, then up to 12 MP.
        let big = resize_region(&src, (64.0, 0.0, 384.0, 512.0), 3024, 4032).unwrap();
        let mut rgb = big.to_rgb8();
        let mut seed = 0x2545F491u32;
        for p in rgb.pixels_mut() {
            for c in p.0.iter_mut() {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                let n = ((seed >> 24) as i32 % 13) - 6; // ±6 levels
                *c = (*c as i32 + n).clamp(0, 255) as u8;
            }
        }
        DynamicImage::ImageRgb8(rgb)
    })
}

/// A 12 MP phone JPEG stored sideways (4032×3024) with EXIF orientation 6, GPS and a camera
/// make, baseline 4:2:0 at quality 92 like phone cameras write.
pub fn phone_jpeg_12mp() -> &'static [u8] {
    static JPEG: OnceLock<Vec<u8>> = OnceLock::new();
    JPEG.get_or_init(|| {
        // Stored turned a quarter anticlockwise; orientation 6 turns it back clockwise.
        let stored = phone_upright().rotate270();
        let jpeg = encode::encode(&stored, Settings { quality: 92, chroma: Chroma::S420, dpi: Some(72), trellis: false }).unwrap();
        with_exif(&jpeg, 6)
    })
}

/// Writes the phone fixture to `dir` and returns its path.
pub fn write_phone_jpeg(dir: &Path) -> PathBuf {
    let p = dir.join("IMG_20240312_093015.jpg");
    std::fs::write(&p, phone_jpeg_12mp()).unwrap();
    p
}

/// `img` turned `deg` degrees about `centre` (positive: clockwise on screen, so a level head
/// comes out with its image-right eye lower, a positive tilt), bilinear, the edge repeated.
pub fn turned_about(img: &image::RgbImage, deg: f32, centre: [f32; 2]) -> image::RgbImage {
    let (s, c) = deg.to_radians().sin_cos();
    let (w, h) = (img.width() as i64, img.height() as i64);
    let at = |x: i64, y: i64| img.get_pixel(x.clamp(0, w - 1) as u32, y.clamp(0, h - 1) as u32).0;
    image::RgbImage::from_fn(img.width(), img.height(), |x, y| {
        let (dx, dy) = (x as f32 - centre[0], y as f32 - centre[1]);
        let (sx, sy) = (centre[0] + c * dx + s * dy, centre[1] - s * dx + c * dy);
        let (x0, y0) = (sx.floor(), sy.floor());
        let (fx, fy) = (sx - x0, sy - y0);
        let (x0, y0) = (x0 as i64, y0 as i64);
        let (a, b, cc, d) = (at(x0, y0), at(x0 + 1, y0), at(x0, y0 + 1), at(x0 + 1, y0 + 1));
        image::Rgb(std::array::from_fn(|i| {
            let top = a[i] as f32 * (1.0 - fx) + b[i] as f32 * fx;
            let bottom = cc[i] as f32 * (1.0 - fx) + d[i] as f32 * fx;
            (top * (1.0 - fy) + bottom * fy).round() as u8
        }))
    })
}

/// Mean absolute difference of two same-sized images (0–255), after resizing both to 64×64
/// grey: a cheap "is this the same picture, the same way up" measure.
pub fn picture_distance(a: &DynamicImage, b: &DynamicImage) -> f64 {
    let small = |i: &DynamicImage| {
        let g = DynamicImage::ImageLuma8(i.to_luma8());
        resize_region(&g, (0.0, 0.0, g.width() as f64, g.height() as f64), 64, 64).unwrap().to_luma8()
    };
    let (a, b) = (small(a), small(b));
    a.pixels().zip(b.pixels()).map(|(x, y)| (x[0] as f64 - y[0] as f64).abs()).sum::<f64>() / (64.0 * 64.0)
}

/// Structural similarity of two same-sized images on luma (8×8 windows, stride 4).
pub fn ssim(a: &DynamicImage, b: &DynamicImage) -> f64 {
    let (a, b) = (a.to_luma8(), b.to_luma8());
    assert_eq!(a.dimensions(), b.dimensions());
    let (w, h) = a.dimensions();
    let (c1, c2) = ((0.01f64 * 255.0).powi(2), (0.03f64 * 255.0).powi(2));
    let (mut total, mut n) = (0.0, 0.0);
    let mut y = 0;
    while y + 8 <= h {
        let mut x = 0;
        while x + 8 <= w {
            let (mut sa, mut sb, mut saa, mut sbb, mut sab) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for j in y..y + 8 {
                for i in x..x + 8 {
                    let (p, q) = (a.get_pixel(i, j)[0] as f64, b.get_pixel(i, j)[0] as f64);
                    sa += p;
                    sb += q;
                    saa += p * p;
                    sbb += q * q;
                    sab += p * q;
                }
            }
            let m = 64.0;
            let (ma, mb) = (sa / m, sb / m);
            let (va, vb, cov) = (saa / m - ma * ma, sbb / m - mb * mb, sab / m - ma * mb);
            total += ((2.0 * ma * mb + c1) * (2.0 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
            n += 1.0;
            x += 4;
        }
        y += 4;
    }
    total / n
}

/// Walks JPEG segments independently of the core's parser: (marker, payload) pairs up to SOS.
pub fn jpeg_segments(data: &[u8]) -> Vec<(u8, Vec<u8>)> {
    assert_eq!(&data[..2], &[0xFF, 0xD8], "not a JPEG");
    let mut out = Vec::new();
    let mut i = 2;
    while i + 4 <= data.len() && data[i] == 0xFF {
        let m = data[i + 1];
        let len = u16::from_be_bytes([data[i + 2], data[i + 3]]) as usize;
        out.push((m, data[i + 4..i + 2 + len].to_vec()));
        if m == 0xDA {
            break;
        }
        i += 2 + len;
    }
    out
}

/// A fixture of this repository (`tests/fixtures`, provenance in its PROVENANCE.md).
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

/// A head measured by hand on a picture: top of the hair (or cap), chin, face centre line.
#[derive(Debug, Clone, Copy)]
pub struct Annotated {
    pub crown: f64,
    pub chin: f64,
    pub centre_x: f64,
}

/// `astronaut.png`, and the phone fixture made from it (crop x 64…448, scaled 7.875×).
pub const ASTRONAUT: Annotated = Annotated { crown: 16.0, chin: 181.0, centre_x: 225.0 };
pub const PHONE: Annotated = Annotated { crown: 16.0 * 7.875, chin: 181.0 * 7.875, centre_x: (225.0 - 64.0) * 7.875 };
/// `fixtures/grace_hopper.jpg`: the cap's top, the chin, the face's centre line.
pub const HOPPER: Annotated = Annotated { crown: 28.0, chin: 330.0, centre_x: 263.0 };

impl Annotated {
    /// Head share of the height, space above it, and horizontal offset of the face from the
    /// middle, for a crop box (x, y, w, h) in the same pixels: the framing judged by hand
    /// measurements, independent of the detector.
    pub fn in_crop(&self, x: f64, y: f64, w: f64, h: f64) -> (f64, f64, f64) {
        ((self.chin - self.crown) / h, (self.crown - y) / h, (self.centre_x - (x + w / 2.0)) / w)
    }
}

/// Grace Hopper in front of a plain wall: the portrait's right half (the face's right side and
/// the blue studio backdrop) mirrored about the face's centre line, so the flag on the left is
/// gone. A real subject edge (cap, hair, shoulder) on a real backdrop, 498×600.
pub fn plain_wall_portrait() -> &'static image::RgbImage {
    static IMG: OnceLock<image::RgbImage> = OnceLock::new();
    IMG.get_or_init(|| {
        let src = image::open(fixture("grace_hopper.jpg")).unwrap().to_rgb8();
        let c = HOPPER.centre_x as u32;
        let half = src.width() - c;
        image::RgbImage::from_fn(2 * half, src.height(), |x, y| {
            let sx = if x >= half { c + x - half } else { c + half - 1 - x };
            *src.get_pixel(sx, y)
        })
    })
}

/// The head of [`plain_wall_portrait`].
pub const PLAIN_WALL: Annotated = Annotated { crown: 28.0, chin: 330.0, centre_x: 249.0 };

/// [`plain_wall_portrait`] as a phone stores it: sideways with EXIF orientation 6 (and GPS).
pub fn plain_wall_sideways_jpeg() -> Vec<u8> {
    let stored = DynamicImage::ImageRgb8(plain_wall_portrait().clone()).rotate270();
    let jpeg = encode::encode(&stored, Settings { quality: 92, chroma: Chroma::S420, dpi: Some(72), trellis: false }).unwrap();
    with_exif(&jpeg, 6)
}

/// A valid resident ID (GB 11643) for a region, birth date and serial, computed here
/// independently of the code under test.
pub fn resident_id(region: &str, birth: &str, serial: u32) -> String {
    let body = format!("{region}{birth}{serial:03}");
    let w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body.chars().zip(w).map(|(c, w)| c.to_digit(10).unwrap_or(0) * w).sum();
    format!("{body}{}", "10X98765432".as_bytes()[(sum % 11) as usize] as char)
}

/// A letter-size colour scan made from the typewriter sample: 2550×3300, paper tinted
/// (245,240,228), a red ring where a seal would be, sensor-like noise; JPEG q92.
pub fn letter_scan_jpeg() -> Vec<u8> {
    use image::{Rgb, RgbImage};
    let page = caiji_image::decode::normalise(image::open(sample("documents/typewriter.png")).unwrap().rotate90());
    let page = caiji_image::resize::resize_region(&page, (0.0, 0.0, page.width() as f64, page.height() as f64), 2550, 3300).unwrap().to_luma8();
    let mut seed = 0x2545_f491u32;
    let mut noise = || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        (seed % 9) as i32 - 4
    };
    let img = RgbImage::from_fn(2550, 3300, |x, y| {
        let ink = page.get_pixel(x, y)[0] as f32 / 255.0;
        let (dx, dy) = (x as f32 - 2050.0, y as f32 - 2850.0);
        let r = (dx * dx + dy * dy).sqrt();
        let paper = if (118.0..132.0).contains(&r) { [208.0, 32.0, 32.0] } else { [245.0, 240.0, 228.0] };
        let n = noise();
        Rgb(paper.map(|c| ((c * ink) as i32 + n).clamp(0, 255) as u8))
    });
    use caiji_image::encode::{encode, Chroma, Settings};
    encode(&image::DynamicImage::ImageRgb8(img), Settings { quality: 92, chroma: Chroma::S420, dpi: Some(300), trellis: false }).unwrap()
}

/// The ISO-media boxes in `data` (after a full box's 4 version/flag bytes when `full`): their
/// type and contents.
fn boxes(data: &[u8]) -> Vec<([u8; 4], &[u8])> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 8 <= data.len() {
        let size = u32::from_be_bytes(data[i..i + 4].try_into().unwrap()) as usize;
        let kind: [u8; 4] = data[i + 4..i + 8].try_into().unwrap();
        assert!(size >= 8 && i + size <= data.len(), "box {:?}", String::from_utf8_lossy(&kind));
        out.push((kind, &data[i + 8..i + size]));
        i += size;
    }
    out
}

fn child<'a>(data: &'a [u8], kind: &[u8; 4]) -> &'a [u8] {
    boxes(data).into_iter().find(|(k, _)| k == kind).unwrap_or_else(|| panic!("no {}", String::from_utf8_lossy(kind))).1
}

fn put_box(out: &mut Vec<u8>, kind: &[u8; 4], body: &[u8]) {
    out.extend_from_slice(&((8 + body.len()) as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
}

/// A HEIC grid image of `cols`×`rows` tiles, each the coded picture of `tile_heic` (a
/// single-image HEIC, e.g. `tile512.heic`), cropped to `width`×`height`: the structure of a big
/// phone photo (a 200 MP Samsung HEIC is a grid of 512×512 tiles) in a few KB, since every tile
/// points at the same coded bytes.
pub fn heic_grid(tile_heic: &[u8], cols: u16, rows: u16, width: u16, height: u16) -> Vec<u8> {
    let meta = &child(tile_heic, b"meta")[4..];
    let ipco = child(child(meta, b"iprp"), b"ipco");
    let hvcc = child(ipco, b"hvcC");
    let ispe = &child(ipco, b"ispe")[4..];
    let (tw, th) = (u32::from_be_bytes(ispe[0..4].try_into().unwrap()), u32::from_be_bytes(ispe[4..8].try_into().unwrap()));
    // iloc of the single item: version, sizes, then its one extent.
    let iloc = child(meta, b"iloc");
    let (version, sizes) = (iloc[0], [iloc[4] >> 4, iloc[4] & 15, iloc[5] >> 4]);
    assert!(sizes[0] == 4 && sizes[1] == 4 && (sizes[2] == 0 || sizes[2] == 4), "iloc sizes {sizes:?}");
    let mut p = 6 + if version < 2 { 2 } else { 4 }; // item count
    p += if version < 2 { 2 } else { 4 }; // item id
    p += if version >= 1 { 2 } else { 0 }; // construction method
    p += 2; // data reference index
    let base = if sizes[2] == 4 { u32::from_be_bytes(iloc[p..p + 4].try_into().unwrap()) as usize } else { 0 };
    p += sizes[2] as usize + 2; // base offset, extent count
    let offset = base + u32::from_be_bytes(iloc[p..p + 4].try_into().unwrap()) as usize;
    let length = u32::from_be_bytes(iloc[p + 4..p + 8].try_into().unwrap()) as usize;
    let coded = &tile_heic[offset..offset + length];

    let n = cols as usize * rows as usize;
    let tile_id = |i: usize| (i + 2) as u16;
    let mut body = Vec::new(); // the meta box's contents
    body.extend_from_slice(&[0; 4]);
    put_box(&mut body, b"hdlr", &[&[0u8; 8][..], b"pict", &[0; 12], b"\0"].concat());
    put_box(&mut body, b"pitm", &[0, 0, 0, 0, 0, 1]);
    let mut iinf = vec![0, 0, 0, 0];
    iinf.extend_from_slice(&((n + 1) as u16).to_be_bytes());
    let infe = |id: u16, kind: &[u8; 4], hidden: bool| [&[2, 0, 0, hidden as u8][..], &id.to_be_bytes(), &[0, 0], kind, b"\0"].concat();
    put_box(&mut iinf, b"infe", &infe(1, b"grid", false));
    for i in 0..n {
        put_box(&mut iinf, b"infe", &infe(tile_id(i), b"hvc1", true));
    }
    put_box(&mut body, b"iinf", &iinf);
    let mut dimg = vec![0, 1];
    dimg.extend_from_slice(&(n as u16).to_be_bytes());
    for i in 0..n {
        dimg.extend_from_slice(&tile_id(i).to_be_bytes());
    }
    let mut iref = vec![0, 0, 0, 0];
    put_box(&mut iref, b"dimg", &dimg);
    put_box(&mut body, b"iref", &iref);
    let mut ipco = Vec::new();
    put_box(&mut ipco, b"hvcC", hvcc);
    let ispe = |w: u32, h: u32| [&[0u8; 4][..], &w.to_be_bytes(), &h.to_be_bytes()].concat();
    put_box(&mut ipco, b"ispe", &ispe(tw, th));
    put_box(&mut ipco, b"ispe", &ispe(width as u32, height as u32));
    let mut ipma = vec![0, 0, 0, 0];
    ipma.extend_from_slice(&((n + 1) as u32).to_be_bytes());
    ipma.extend_from_slice(&[0, 1, 1, 3]);
    for i in 0..n {
        ipma.extend_from_slice(&tile_id(i).to_be_bytes());
        ipma.extend_from_slice(&[2, 0x81, 2]);
    }
    let mut iprp = Vec::new();
    put_box(&mut iprp, b"ipco", &ipco);
    put_box(&mut iprp, b"ipma", &ipma);
    put_box(&mut body, b"iprp", &iprp);
    let grid = [&[0u8, 0, (rows - 1) as u8, (cols - 1) as u8][..], &width.to_be_bytes(), &height.to_be_bytes()].concat();
    put_box(&mut body, b"idat", &grid);
    // iloc v1, 4-byte offsets and lengths: the grid in idat, every tile at the one coded picture,
    // whose place is known once the meta box's size is.
    let iloc_len = 8 + 4 + 2 + 2 + (n + 1) * 16;
    let mut ftyp = Vec::new();
    put_box(&mut ftyp, b"ftyp", &[&b"heic"[..], &[0; 4], b"mif1heicmiaf"].concat());
    let mdat_data = ftyp.len() + 8 + body.len() + iloc_len + 8;
    let mut iloc = vec![1, 0, 0, 0, 0x44, 0x00];
    iloc.extend_from_slice(&((n + 1) as u16).to_be_bytes());
    let mut item = |id: u16, method: u16, off: usize, len: usize| {
        for v in [id, method, 0, 1] {
            iloc.extend_from_slice(&v.to_be_bytes());
        }
        iloc.extend_from_slice(&(off as u32).to_be_bytes());
        iloc.extend_from_slice(&(len as u32).to_be_bytes());
    };
    item(1, 1, 0, grid.len());
    for i in 0..n {
        item(tile_id(i), 0, mdat_data, coded.len());
    }
    put_box(&mut body, b"iloc", &iloc);
    let mut out = ftyp;
    put_box(&mut out, b"meta", &body);
    assert_eq!(out.len() + 8, mdat_data);
    put_box(&mut out, b"mdat", coded);
    out
}

/// The corners (top-left, top-right, bottom-right, bottom-left) of an A4 page photographed by a
/// phone camera (focal length 0.9 × the long side, the principal point in the middle) tilted
/// `tilt`° towards the page's top, turned `yaw`° and `roll`°, the page filling ~60 % of a
/// `w`×`h` picture: a physically possible view, so the page's true shape can be recovered.
pub fn a4_seen_by_a_phone(w: u32, h: u32, tilt: f32, yaw: f32, roll: f32) -> [[f32; 2]; 4] {
    let f = 0.9 * w.max(h) as f32;
    let (a, b, c) = (tilt.to_radians(), yaw.to_radians(), roll.to_radians());
    let rot = |p: [f32; 3]| {
        let p = [p[0], p[1] * a.cos() - p[2] * a.sin(), p[1] * a.sin() + p[2] * a.cos()];
        let p = [p[0] * b.cos() + p[2] * b.sin(), p[1], -p[0] * b.sin() + p[2] * b.cos()];
        [p[0] * c.cos() - p[1] * c.sin(), p[0] * c.sin() + p[1] * c.cos(), p[2]]
    };
    let (pw, ph) = (210.0f32, 297.0f32);
    let dist = 1.25 * ph * f / h.min(w) as f32;
    [[-pw / 2.0, -ph / 2.0], [pw / 2.0, -ph / 2.0], [pw / 2.0, ph / 2.0], [-pw / 2.0, ph / 2.0]].map(|[x, y]| {
        let q = rot([x, y, 0.0]);
        let z = q[2] + dist;
        [w as f32 / 2.0 + f * q[0] / z, h as f32 / 2.0 + f * q[1] / z]
    })
}

/// Where things are on [`paper_page`], as fractions of its width and height.
pub mod paper {
    /// Blank paper (no ink), to judge whiteness.
    pub const BLANK: [(f32, f32); 4] = [(0.05, 0.05), (0.5, 0.06), (0.92, 0.5), (0.3, 0.95)];
    /// The seal: centre and radius (of the width) of its ring.
    pub const SEAL: (f32, f32, f32) = (0.68, 0.8, 0.11);
    /// A row of text: from x, to x, at y.
    pub const TEXT_ROW: (f32, f32, f32) = (0.12, 0.85, 0.205);
}

/// A printed page (1000×1414, A4): slightly warm paper, rows of dark "words", a red seal.
pub fn paper_page() -> image::RgbImage {
    let (w, h) = (1000u32, 1414u32);
    let mut img = image::RgbImage::from_pixel(w, h, image::Rgb([246, 242, 232]));
    let mut seed = 7u32;
    let mut rnd = |n: u32| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed % n
    };
    // Text rows from y = 0.2 to 0.7 of the height, words of random widths.
    let mut y = (0.2 * h as f32) as u32 - 8;
    while y < (0.7 * h as f32) as u32 {
        let mut x = 120;
        while x < 850 {
            let ww = 20 + rnd(70);
            for yy in y..y + 18 {
                for xx in x..(x + ww).min(850) {
                    img.put_pixel(xx, yy, image::Rgb([25, 25, 30]));
                }
            }
            x += ww + 12;
        }
        y += 40;
    }
    // The seal: a red ring and a star.
    let (cx, cy, r) = (paper::SEAL.0 * w as f32, paper::SEAL.1 * h as f32, paper::SEAL.2 * w as f32);
    for yy in 0..h {
        for xx in 0..w {
            let d = ((xx as f32 - cx).powi(2) + (yy as f32 - cy).powi(2)).sqrt();
            let star = d < 0.3 * r && ((yy as f32 - cy).abs() < 0.08 * r || (xx as f32 - cx).abs() < 0.08 * r);
            if (d - r).abs() < 6.0 || star {
                img.put_pixel(xx, yy, image::Rgb([205, 32, 38]));
            }
        }
    }
    img
}

/// The committed fixture `page_on_desk.jpg` (the app's end-to-end test opens it): an A4 page
/// with its red seal photographed on a desk at 1600×1200, tilted 20°, turned 5° and 3°.
pub fn page_on_desk_jpeg() -> Vec<u8> {
    page_on_a_desk(1600, 1200, a4_seen_by_a_phone(1600, 1200, 20.0, 5.0, 3.0))
}

/// A phone photo (`w`×`h`, JPEG) of [`paper_page`] lying on a wooden desk at `corners`, lit
/// unevenly (a third darker at one end, a soft shadow), with sensor noise.
pub fn page_on_a_desk(w: u32, h: u32, corners: [[f32; 2]; 4]) -> Vec<u8> {
    let page = paper_page();
    let m = caiji_image::page::square_to_quad(&corners);
    // The inverse of [[a b c] [d e f] [g h 1]]: photo pixel → (u, v) on the page.
    let (a, b, c, d, e, f, g, hh) = (m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7]);
    let inv = [e - f * hh, c * hh - b, b * f - c * e, f * g - d, a - c * g, c * d - a * f, d * hh - e * g, b * g - a * hh, a * e - b * d];
    let mut seed = 0x9E3779B9u32;
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let (px, py) = (x as f64 + 0.5, y as f64 + 0.5);
        let den = inv[6] * px + inv[7] * py + inv[8];
        let (u, v) = ((inv[0] * px + inv[1] * py + inv[2]) / den, (inv[3] * px + inv[4] * py + inv[5]) / den);
        let base = if (0.0..1.0).contains(&u) && (0.0..1.0).contains(&v) {
            page.get_pixel((u * page.width() as f64) as u32, (v * page.height() as f64) as u32).0.map(|c| c as f32)
        } else {
            // Wood: brown with its grain.
            let grain = 18.0 * ((y as f32 * 0.05 + (x as f32 * 0.004).sin() * 6.0).sin());
            [120.0 + grain, 78.0 + grain * 0.7, 46.0 + grain * 0.4]
        };
        let light =
            0.62 + 0.38 * (x as f32 / w as f32 * 0.7 + y as f32 / h as f32 * 0.3) - 0.12 * (-(((x as f32 - 0.3 * w as f32) / (0.1 * w as f32)).powi(2))).exp();
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let noise = (seed >> 24) as f32 / 255.0 * 8.0 - 4.0;
        image::Rgb(base.map(|v| (v * light + noise).clamp(0.0, 255.0) as u8))
    });
    encode::encode(&DynamicImage::ImageRgb8(img), Settings { quality: 90, chroma: Chroma::S420, dpi: Some(72), trellis: false }).unwrap()
}

/// After a batch was stopped: asserts that no temporary file is left in `out` and that every
/// JPEG there decodes whole and passes `spec_id`'s check; returns how many there are.
pub fn whole_outputs(out: &Path, spec_id: &str) -> u64 {
    let reg = caiji_image::spec::Registry::builtin();
    let spec = reg.get(spec_id).unwrap();
    let mut jpegs = 0;
    for e in std::fs::read_dir(out).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        assert!(!name.ends_with(".tmp"), "temporary file left: {name}");
        if name.ends_with(".jpg") {
            assert!(caiji_image::check::check(&std::fs::read(&p).unwrap(), spec).passed, "{name}");
            jpegs += 1;
        }
    }
    jpegs
}
