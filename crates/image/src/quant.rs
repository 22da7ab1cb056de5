//! Dead-zone quantisation and Huffman tables from a sample, for page-sized pictures: the
//! C side (`csrc/quant.c`) hooks mozjpeg's compressor where it quantises.
use std::os::raw::{c_int, c_long, c_void};

/// Mirrors `caiji_quant` in `csrc/quant.c`.
#[repr(C)]
pub(crate) struct Quant {
    round: [[c_int; 64]; 2],
    gather: c_int,
    dc_freq: [[c_long; 257]; 2],
    ac_freq: [[c_long; 257]; 2],
    last_dc: [c_int; 10],
    orig: *const c_void,
    inv: [[f32; 64]; 2],
    up: [[f32; 64]; 2],
    extra_bits: c_long,
    // Rust's own from here (the C side never reaches past `extra_bits`).
    /// What `bits` found after a sample's encode.
    pub(crate) sample_bits: u64,
    /// Whether the hook was installed (otherwise libjpeg quantised and counted nothing).
    pub(crate) installed: bool,
}

// "C-unwind": a libjpeg error inside (out of memory, say) unwinds as the Rust panic that
// decode::strict_error_mgr raises.
extern "C-unwind" {
    fn caiji_quant_install(cinfo: *mut mozjpeg_sys::jpeg_compress_struct, q: *mut Quant) -> c_int;
    fn caiji_quant_tables(cinfo: *mut mozjpeg_sys::jpeg_compress_struct, q: *const Quant);
    fn caiji_quant_bits(cinfo: *mut mozjpeg_sys::jpeg_compress_struct, q: *const Quant) -> c_long;
}

/// Where an AC coefficient rounds up, in 1/256 of a step: past 2/3 of it (nearest is 128).
/// DC keeps rounding to nearest (the page's tone).
const AC_ROUND: c_int = 85;

impl Quant {
    /// A dead zone for every AC coefficient; `gather` counts the symbols quantised.
    pub(crate) fn new(gather: bool) -> Box<Quant> {
        let mut round = [[AC_ROUND; 64]; 2];
        round[0][0] = 128;
        round[1][0] = 128;
        Box::new(Quant {
            round,
            gather: gather as c_int,
            dc_freq: [[0; 257]; 2],
            ac_freq: [[0; 257]; 2],
            last_dc: [0; 10],
            orig: std::ptr::null(),
            inv: [[0.0; 64]; 2],
            up: [[0.0; 64]; 2],
            extra_bits: 0,
            sample_bits: 0,
            installed: false,
        })
    }

    /// The same dead zone, counting nothing, with these counts for the Huffman tables.
    pub(crate) fn with_counts(counts: &Quant) -> Box<Quant> {
        let mut q = Quant::new(false);
        q.dc_freq = counts.dc_freq;
        q.ac_freq = counts.ac_freq;
        q
    }

    /// Installs the hook; between `jpeg_start_compress` and the first scanline. False when the
    /// compressor is not the one the hook knows (then it quantises as usual).
    ///
    /// # Safety
    /// `cinfo` is a started compressor; `self` outlives its scanlines.
    pub(crate) unsafe fn install(&mut self, cinfo: &mut mozjpeg_sys::jpeg_compress_struct) -> bool {
        caiji_quant_install(cinfo, self) != 0
    }

    /// Complete Huffman tables from the counts, in slots 0 and 1; between `jpeg_set_defaults`
    /// and `jpeg_start_compress`.
    ///
    /// # Safety
    /// `cinfo` is a created compressor.
    pub(crate) unsafe fn tables(&self, cinfo: &mut mozjpeg_sys::jpeg_compress_struct) {
        caiji_quant_tables(cinfo, self)
    }

    /// The bits of the blocks counted, coded with the tables `tables` makes of their counts.
    ///
    /// # Safety
    /// `cinfo` is a created compressor (only its error handler is used).
    pub(crate) unsafe fn bits(&self, cinfo: &mut mozjpeg_sys::jpeg_compress_struct) -> u64 {
        caiji_quant_bits(cinfo, self) as u64
    }
}
