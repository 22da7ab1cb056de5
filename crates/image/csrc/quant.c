/* Dead-zone quantisation, and the symbol counts of what was quantised, inside mozjpeg's
 * compressor (caiji's page encoder, crates/image/src/quant.rs).
 *
 * libjpeg rounds every DCT coefficient to the nearest step. On a page scan most of the bytes
 * then go to coefficients that round up from just over half a step (scanner noise, paper
 * grain): a dead zone (round up only past a larger fraction of the step) drops those and keeps
 * the steps fine, which mozjpeg's trellis quantisation also does, far more slowly. The hook
 * wraps the compressor's forward-DCT method (struct jpeg_forward_dct in jpegint.h, compiled
 * here against the very headers of the mozjpeg being linked): the original computes the block's
 * unscaled coefficients into a scratch row, then they are quantised again with the dead zone.
 *
 * The counts are those of baseline Huffman symbols (DC size categories, AC run/size pairs),
 * gathered on a sample of the page, from which complete Huffman tables are built for the whole
 * page: nearly what a second, optimising pass would save, without buffering the page's
 * coefficients. */
#include <stddef.h>
#include <stdio.h>
#include "jpeglib.h"
#include "jpegint.h"
#include "jchuff.h"

typedef void (*caiji_fdct_fn)(j_compress_ptr, jpeg_component_info *, JSAMPARRAY, JBLOCKROW,
                              JDIMENSION, JDIMENSION, JDIMENSION, JBLOCKROW);

/* Mirrored by `Quant` in quant.rs. */
typedef struct {
  /* Where a coefficient rounds up, per quantisation table slot and natural-order index, in
   * 1/256 of a step (128 rounds to nearest). */
  int round[2][64];
  /* Non-zero: count the symbols of every quantised block. */
  int gather;
  long dc_freq[2][257];
  long ac_freq[2][257];
  int last_dc[MAX_COMPONENTS];
  caiji_fdct_fn orig;
  /* Set on install from the compressor's tables: 1 / (8 × step) and round / 256. */
  float inv[2][64];
  float up[2][64];
  /* The bits of the coefficients' magnitudes (what follows each Huffman symbol). */
  long extra_bits;
} caiji_quant;

static int nbits(int v)
{
  int n = 0;
  if (v < 0)
    v = -v;
  while (v) {
    n++;
    v >>= 1;
  }
  return n;
}

static void count(caiji_quant *q, jpeg_component_info *comp, JCOEF *b)
{
  int c = comp->component_index, run = 0, k;
  int dc = comp->dc_tbl_no & 1, ac = comp->ac_tbl_no & 1, n = nbits(b[0] - q->last_dc[c]);
  q->dc_freq[dc][n]++;
  q->extra_bits += n;
  q->last_dc[c] = b[0];
  for (k = 1; k < DCTSIZE2; k++) {
    int v = b[jpeg_natural_order[k]];
    if (v == 0) {
      run++;
      continue;
    }
    while (run > 15) {
      q->ac_freq[ac][0xF0]++;
      run -= 16;
    }
    n = nbits(v);
    q->ac_freq[ac][(run << 4) | n]++;
    q->extra_bits += n;
    run = 0;
  }
  if (run > 0)
    q->ac_freq[ac][0]++;
}

static void hooked(j_compress_ptr cinfo, jpeg_component_info *comp, JSAMPARRAY data,
                   JBLOCKROW coef, JDIMENSION start_row, JDIMENSION start_col,
                   JDIMENSION num_blocks, JBLOCKROW dst)
{
  caiji_quant *q = (caiji_quant *)cinfo->client_data;
  const float *inv = q->inv[comp->quant_tbl_no & 1], *up = q->up[comp->quant_tbl_no & 1];
  JBLOCK raw[4];
  JDIMENSION done = 0, b;
  int k;
  (void)dst;
  while (done < num_blocks) {
    JDIMENSION n = num_blocks - done > 4 ? 4 : num_blocks - done;
    q->orig(cinfo, comp, data, coef + done, start_row, start_col + done * DCTSIZE, n, raw);
    for (b = 0; b < n; b++) {
      JCOEF *out = coef[done + b];
      const JCOEF *in = raw[b];
      for (k = 0; k < DCTSIZE2; k++) {
        int x = in[k], a = x < 0 ? -x : x;
        int m = (int)((float)a * inv[k] + up[k]);
        /* Baseline's largest magnitude (size 10), as libjpeg clamps. */
        m = m > 1023 ? 1023 : m;
        out[k] = (JCOEF)(x < 0 ? -m : m);
      }
      if (q->gather)
        count(q, comp, out);
    }
    done += n;
  }
}

/* Called between jpeg_start_compress and the first scanline; 0 when the compressor is not
 * the one the hook knows (nothing is changed then): the integer DCT, one sequential scan coded
 * as the blocks come (no trellis, whose buffer of unquantised blocks the hook does not fill; no
 * optimising pass; no deringing). */
int caiji_quant_install(j_compress_ptr cinfo, caiji_quant *q)
{
  int c, t, k;
  if (cinfo->quant_tbl_ptrs[0] == NULL)
    return 0;
  if (cinfo->fdct == NULL || cinfo->dct_method != JDCT_ISLOW || cinfo->fdct->forward_DCT == NULL ||
      cinfo->fdct->forward_DCT == hooked)
    return 0;
  if (cinfo->optimize_coding || cinfo->progressive_mode || cinfo->num_scans > 1 || cinfo->master == NULL ||
      cinfo->master->trellis_quant || cinfo->master->overshoot_deringing)
    return 0;
  for (c = 0; c < MAX_COMPONENTS; c++)
    q->last_dc[c] = 0;
  for (t = 0; t < 2; t++) {
    JQUANT_TBL *tbl = cinfo->quant_tbl_ptrs[t];
    for (k = 0; k < DCTSIZE2; k++) {
      /* The integer DCT's outputs are 8 times the coefficients. */
      q->inv[t][k] = tbl ? 1.0f / (float)(tbl->quantval[k] * 8) : 0.0f;
      q->up[t][k] = (float)q->round[t][k] / 256.0f;
    }
  }
  q->orig = cinfo->fdct->forward_DCT;
  cinfo->client_data = q;
  cinfo->fdct->forward_DCT = hooked;
  return 1;
}

/* Huffman tables for slots 0 and 1 from the counts, each symbol a baseline scan of 8-bit
 * samples can use given a code (a symbol the sample never saw may still occur in the page).
 * Between jpeg_set_defaults and jpeg_start_compress. */
static void complete(const long *counts, int ac, long *freq)
{
  int s, run;
  for (s = 0; s < 257; s++)
    freq[s] = 0;
  if (!ac) {
    for (s = 0; s <= 11; s++)
      freq[s] = counts[s] + 1;
    return;
  }
  freq[0x00] = counts[0x00] + 1;
  freq[0xF0] = counts[0xF0] + 1;
  for (run = 0; run < 16; run++)
    for (s = 1; s <= 10; s++)
      freq[(run << 4) | s] = counts[(run << 4) | s] + 1;
}

void caiji_quant_tables(j_compress_ptr cinfo, const caiji_quant *q)
{
  int t, ac;
  for (t = 0; t < 2; t++)
    for (ac = 0; ac < 2; ac++) {
      long freq[257];
      JHUFF_TBL **slot = ac ? &cinfo->ac_huff_tbl_ptrs[t] : &cinfo->dc_huff_tbl_ptrs[t];
      complete(ac ? q->ac_freq[t] : q->dc_freq[t], ac, freq);
      if (*slot == NULL)
        *slot = jpeg_alloc_huff_table((j_common_ptr)cinfo);
      jpeg_gen_optimal_table(cinfo, *slot, freq);
    }
}

/* The bits the counted blocks take coded with the tables caiji_quant_tables makes of their
 * counts: what the sample predicts of the page, without coding it a second time. */
long caiji_quant_bits(j_compress_ptr cinfo, const caiji_quant *q)
{
  int t, ac, len, i, k;
  long total = q->extra_bits;
  for (t = 0; t < 2; t++)
    for (ac = 0; ac < 2; ac++) {
      long freq[257];
      const long *counts = ac ? q->ac_freq[t] : q->dc_freq[t];
      JHUFF_TBL tbl;
      complete(counts, ac, freq);
      jpeg_gen_optimal_table(cinfo, &tbl, freq);
      for (len = 1, k = 0; len <= 16; len++)
        for (i = 0; i < tbl.bits[len]; i++, k++)
          total += (long)len * counts[tbl.huffval[k]];
    }
  return total;
}
