//! AVIF: the primary picture's AV1 data found by avif-parse (MPL-2.0, unmodified), decoded by
//! rav1d (BSD-2-Clause, the Rust port of dav1d; its assembly built with nasm), its YCbCr turned
//! into 8-bit RGB by the matrix the stream names (BT.601 when it names none, as libavif does),
//! its rotation and mirroring (`irot`, `imir`) and ICC profile read from the container
//! ([`crate::heif::primary_properties`]).
use caiji_base::error::{Error, Result};
use image::{DynamicImage, GrayImage, RgbImage};
use rav1d::include::dav1d::data::Dav1dData;
use rav1d::include::dav1d::dav1d::{Dav1dContext, Dav1dSettings};
use rav1d::include::dav1d::headers::{
    DAV1D_MC_BT2020_NCL, DAV1D_MC_BT709, DAV1D_MC_IDENTITY, DAV1D_PIXEL_LAYOUT_I400, DAV1D_PIXEL_LAYOUT_I420, DAV1D_PIXEL_LAYOUT_I422,
};
use rav1d::include::dav1d::picture::Dav1dPicture;
use rav1d::src::lib::{
    dav1d_close, dav1d_data_create, dav1d_data_unref, dav1d_default_settings, dav1d_get_picture, dav1d_open, dav1d_picture_unref, dav1d_send_data,
};
use std::mem::MaybeUninit;
use std::ptr::NonNull;

/// The AV1 data of the primary picture, and its declared size (width, height as coded).
pub(crate) struct Avif {
    av1: Vec<u8>,
    pub(crate) width: u32,
    pub(crate) height: u32,
}

fn corrupt(detail: impl Into<String>) -> Error {
    Error::Corrupt { detail: detail.into() }
}

impl Avif {
    pub(crate) fn open(data: &[u8]) -> Result<Avif> {
        let parsed = std::panic::catch_unwind(|| avif_parse::read_avif(&mut &data[..])).map_err(|_| corrupt("the AVIF structure cannot be read"))?.map_err(
            |e| match e {
                avif_parse::Error::Unsupported(what) => Error::UnsupportedFormat { format: format!("AVIF ({what})") },
                avif_parse::Error::UnexpectedEOF => Error::Truncated,
                other => corrupt(format!("AVIF: {other}")),
            },
        )?;
        let meta = parsed.primary_item_metadata().map_err(|e| corrupt(format!("AVIF: {e}")))?;
        let av1 = parsed.primary_item.to_vec();
        Ok(Avif { av1, width: meta.max_frame_width.get(), height: meta.max_frame_height.get() })
    }

    /// Decodes the picture to 8-bit RGB (grey for a monochrome one), as stored; a frame of more
    /// than `max_pixels` (a later header may declare more than the first) is refused.
    pub(crate) fn pixels(&self, max_pixels: u64) -> Result<DynamicImage> {
        let av1 = &self.av1;
        std::panic::catch_unwind(|| decode_av1(av1, max_pixels)).unwrap_or_else(|_| Err(corrupt("the AV1 decoder stopped on damaged data")))
    }
}

/// A dav1d context, closed when dropped.
struct Context(Option<Dav1dContext>);

impl Drop for Context {
    fn drop(&mut self) {
        // SAFETY: the context came from `dav1d_open` and is closed once.
        unsafe { dav1d_close(Some(NonNull::from(&mut self.0))) };
    }
}

/// A picture from the decoder, released when dropped.
struct Picture(Dav1dPicture);

impl Drop for Picture {
    fn drop(&mut self) {
        // SAFETY: the picture was filled by `dav1d_get_picture` (or is default, which unref accepts).
        unsafe { dav1d_picture_unref(Some(NonNull::from(&mut self.0))) };
    }
}

fn check(res: rav1d::Dav1dResult, what: &str) -> Result<()> {
    if res.0 == 0 {
        Ok(())
    } else {
        Err(corrupt(format!("AV1 {what} failed ({})", res.0)))
    }
}

fn decode_av1(av1: &[u8], max_pixels: u64) -> Result<DynamicImage> {
    // SAFETY: the calls follow dav1d's API: default settings written before use, the data
    // buffer sized by `dav1d_data_create` and filled within its length, pictures unreferenced
    // once (by `Picture`), the context closed once (by `Context`).
    unsafe {
        let mut settings = MaybeUninit::<Dav1dSettings>::uninit();
        dav1d_default_settings(NonNull::from(&mut settings).cast());
        let mut settings = settings.assume_init();
        settings.n_threads = std::thread::available_parallelism().map(|n| n.get().min(8)).unwrap_or(2) as _;
        settings.max_frame_delay = 1;
        settings.apply_grain = 1;
        settings.frame_size_limit = max_pixels.min(u32::MAX as u64) as _;
        let mut ctx = Context(None);
        check(dav1d_open(Some(NonNull::from(&mut ctx.0)), Some(NonNull::from(&mut settings))), "open")?;
        let c = ctx.0.ok_or_else(|| corrupt("AV1 decoder not opened"))?;
        let mut data = Dav1dData::default();
        let buf = dav1d_data_create(Some(NonNull::from(&mut data)), av1.len());
        if buf.is_null() {
            return Err(corrupt("AV1 data buffer not allocated"));
        }
        std::ptr::copy_nonoverlapping(av1.as_ptr(), buf, av1.len());
        let sent = dav1d_send_data(Some(c), Some(NonNull::from(&mut data)));
        dav1d_data_unref(Some(NonNull::from(&mut data)));
        check(sent, "data")?;
        // One still picture (a layered one gives its last, complete layer).
        let mut last: Option<Picture> = None;
        loop {
            let mut pic = Picture(Dav1dPicture::default());
            if dav1d_get_picture(Some(c), Some(NonNull::from(&mut pic.0))).0 != 0 {
                break;
            }
            last = Some(pic);
        }
        let pic = last.ok_or_else(|| corrupt("the AV1 data holds no picture"))?;
        if pic.0.p.w.max(0) as u64 * pic.0.p.h.max(0) as u64 > max_pixels {
            return Err(corrupt("the AV1 frame is larger than declared"));
        }
        to_rgb(&pic.0)
    }
}

/// A plane's samples as 8-bit, `w`×`h`, from its stride and bit depth.
///
/// # Safety
/// `ptr` must point at `h` rows of `stride` bytes of the picture's plane.
unsafe fn plane(ptr: *const u8, stride: isize, w: usize, h: usize, bpc: i32) -> Vec<u8> {
    // A row holds `w` samples: anything else is no picture rav1d makes.
    if stride < (w * if bpc <= 8 { 1 } else { 2 }) as isize {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(w * h);
    for y in 0..h {
        // SAFETY: within the plane, as the caller promises.
        let row = unsafe { ptr.offset(y as isize * stride) };
        if bpc <= 8 {
            // SAFETY: `w` bytes of the row.
            out.extend_from_slice(unsafe { std::slice::from_raw_parts(row, w) });
        } else {
            // SAFETY: `w` 16-bit samples of the row (stride is in bytes).
            let s = unsafe { std::slice::from_raw_parts(row as *const u16, w) };
            out.extend(s.iter().map(|&v| (v >> (bpc - 8)).min(255) as u8));
        }
    }
    out
}

unsafe fn to_rgb(p: &Dav1dPicture) -> Result<DynamicImage> {
    let (w, h, bpc, layout) = (p.p.w.max(0) as usize, p.p.h.max(0) as usize, p.p.bpc, p.p.layout);
    if w == 0 || h == 0 {
        return Err(corrupt("the AV1 picture is empty"));
    }
    let (mtrx, full) = match p.seq_hdr {
        // SAFETY: the sequence header lives as long as the picture.
        Some(s) => unsafe { (s.as_ref().mtrx, s.as_ref().color_range != 0) },
        None => (2, false),
    };
    let ptr = |i: usize| p.data[i].map(|d| d.as_ptr() as *const u8).ok_or_else(|| corrupt("an AV1 plane is missing"));
    // SAFETY: rav1d allocates whole rows of `stride` bytes for `h` rows (luma) and the
    // subsampled rows for chroma.
    let y = unsafe { plane(ptr(0)?, p.stride[0], w, h, bpc) };
    if y.len() != w * h {
        return Err(corrupt("an AV1 plane is short"));
    }
    let range = |v: u8| if full { v as f32 } else { (v as f32 - 16.0) * 255.0 / 219.0 };
    if layout == DAV1D_PIXEL_LAYOUT_I400 {
        let px = y.iter().map(|&v| range(v).round().clamp(0.0, 255.0) as u8).collect();
        return GrayImage::from_raw(w as u32, h as u32, px).map(DynamicImage::ImageLuma8).ok_or_else(|| corrupt("short picture"));
    }
    let (sx, sy) = match layout {
        DAV1D_PIXEL_LAYOUT_I420 => (1, 1),
        DAV1D_PIXEL_LAYOUT_I422 => (1, 0),
        _ => (0, 0),
    };
    let (cw, ch) = ((w + sx) >> sx, (h + sy) >> sy);
    // SAFETY: as above, for the chroma planes.
    let (u, v) = unsafe { (plane(ptr(1)?, p.stride[1], cw, ch, bpc), plane(ptr(2)?, p.stride[1], cw, ch, bpc)) };
    if u.len() != cw * ch || v.len() != cw * ch {
        return Err(corrupt("an AV1 plane is short"));
    }
    // Kr, Kb of the matrix named; BT.601 for the others.
    let (kr, kb) = match mtrx {
        DAV1D_MC_BT709 => (0.2126f32, 0.0722f32),
        DAV1D_MC_BT2020_NCL => (0.2627, 0.0593),
        _ => (0.299, 0.114),
    };
    let kg = 1.0 - kr - kb;
    let chroma = |c: u8| if full { c as f32 - 128.0 } else { (c as f32 - 128.0) * 255.0 / 224.0 };
    let mut rgb = Vec::with_capacity(w * h * 3);
    for row in 0..h {
        for col in 0..w {
            let ci = (row >> sy) * cw + (col >> sx);
            let (yy, cb, cr) = (y[row * w + col], u[ci], v[ci]);
            let px = if mtrx == DAV1D_MC_IDENTITY {
                // G, B, R stored as Y, Cb, Cr.
                [cr as f32, yy as f32, cb as f32]
            } else {
                let (l, cb, cr) = (range(yy), chroma(cb), chroma(cr));
                let r = l + 2.0 * (1.0 - kr) * cr;
                let b = l + 2.0 * (1.0 - kb) * cb;
                [r, (l - kr * r - kb * b) / kg, b]
            };
            rgb.extend(px.iter().map(|c| c.round().clamp(0.0, 255.0) as u8));
        }
    }
    RgbImage::from_raw(w as u32, h as u32, rgb).map(DynamicImage::ImageRgb8).ok_or_else(|| corrupt("short picture"))
}
