#include "dm_trigrams.h"

#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

void dm_trigram_set_init(dm_trigram_set *set, const uint8_t (*fingerprints)[3], int count) {
    memset(set, 0, sizeof *set);
    if (count > DM_TRIGRAMS_MAX) count = DM_TRIGRAMS_MAX;
    for (int j = 0; j < count; j++) {
        for (int o = 0; o < 3; o++) {
            uint8_t b = fingerprints[j][o], bit = (uint8_t)(1u << j);
            set->low[o][b & 15] |= bit;
            set->low[o][16 + (b & 15)] |= bit;
            set->high[o][b >> 4] |= bit;
            set->high[o][16 + (b >> 4)] |= bit;
            set->bytes[o][b] |= bit;
        }
    }
}

// Positions of one window by whole-byte tables: `end` is where positions stop (k + 3 <= n).
static uint32_t scalar_mask(const uint8_t *p, size_t start, size_t end, const dm_trigram_set *s) {
    uint32_t mask = 0;
    for (size_t k = start; k < end; k++) {
        if (s->bytes[0][p[k]] & s->bytes[1][p[k + 1]] & s->bytes[2][p[k + 2]]) mask |= (uint32_t)1 << (k - start);
    }
    return mask;
}

static size_t find_scalar(const uint8_t *p, size_t n, size_t from, const dm_trigram_set *s, uint32_t *mask) {
    for (size_t i = from; i + 3 <= n; i += DM_TRIGRAMS_WINDOW) {
        size_t end = i + DM_TRIGRAMS_WINDOW < n - 2 ? i + DM_TRIGRAMS_WINDOW : n - 2;
        uint32_t m = scalar_mask(p, i, end, s);
        if (m) { *mask = m; return i; }
    }
    *mask = 0;
    return n;
}

#if defined(__x86_64__) || defined(__i386__)
// The fingerprint bits of 32 bytes at one offset: table[low nibble] & table[high nibble].
__attribute__((target("avx2"))) static inline __m256i lookup(__m256i v, __m256i low, __m256i high) {
    const __m256i nibble = _mm256_set1_epi8(15);
    return _mm256_and_si256(_mm256_shuffle_epi8(low, _mm256_and_si256(v, nibble)),
                            _mm256_shuffle_epi8(high, _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble)));
}

// Bit b set when position at + b starts a fingerprint (loads at at, at + 1 and at + 2).
__attribute__((target("avx2"))) static inline uint32_t window_bits(const uint8_t *at, const __m256i t[6]) {
    __m256i a = _mm256_loadu_si256((const __m256i *)(const void *)at);
    __m256i b = _mm256_loadu_si256((const __m256i *)(const void *)(at + 1));
    __m256i c = _mm256_loadu_si256((const __m256i *)(const void *)(at + 2));
    __m256i r = _mm256_and_si256(_mm256_and_si256(lookup(a, t[0], t[3]), lookup(b, t[1], t[4])), lookup(c, t[2], t[5]));
    return ~(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(r, _mm256_setzero_si256()));
}

__attribute__((target("avx2"))) static size_t find_avx2(const uint8_t *p, size_t n, size_t from,
                                                         const dm_trigram_set *s, uint32_t *mask) {
    // The six tables stay in registers for the whole loop.
    __m256i t[6];
    for (int o = 0; o < 3; o++) {
        t[o] = _mm256_loadu_si256((const __m256i *)(const void *)s->low[o]);
        t[3 + o] = _mm256_loadu_si256((const __m256i *)(const void *)s->high[o]);
    }
    size_t i = from;
    // Two windows per step, one branch for both (a candidate is in one window of 70).
    // Loads at i, i + 1 and i + 2 stay inside the buffer.
    while (i + 2 * DM_TRIGRAMS_WINDOW + 2 <= n) {
        uint32_t m0 = window_bits(p + i, t), m1 = window_bits(p + i + DM_TRIGRAMS_WINDOW, t);
        if (m0 | m1) {
            if (m0) { *mask = m0; return i; }
            *mask = m1;
            return i + DM_TRIGRAMS_WINDOW;
        }
        i += 2 * DM_TRIGRAMS_WINDOW;
    }
    if (i + DM_TRIGRAMS_WINDOW + 2 <= n) {
        uint32_t m = window_bits(p + i, t);
        if (m) { *mask = m; return i; }
        i += DM_TRIGRAMS_WINDOW;
    }
    return find_scalar(p, n, i, s, mask);
}

static int has_avx2(void) {
    // 0 unknown, 1 no, 2 yes. Relaxed: every thread computes the same value, so a thread
    // that reads 0 merely asks the CPU again.
    static int cached = 0;
    int c = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (c == 0) {
        __builtin_cpu_init();
        c = __builtin_cpu_supports("avx2") ? 2 : 1;
        __atomic_store_n(&cached, c, __ATOMIC_RELAXED);
    }
    return c == 2;
}
#endif

size_t dm_find_trigrams_portable(const uint8_t *p, size_t n, size_t from, const dm_trigram_set *set, uint32_t *mask) {
    return find_scalar(p, n, from, set, mask);
}

size_t dm_find_trigrams(const uint8_t *p, size_t n, size_t from, const dm_trigram_set *set, uint32_t *mask) {
#if defined(__x86_64__) || defined(__i386__)
    if (has_avx2()) return find_avx2(p, n, from, set, mask);
#endif
    return find_scalar(p, n, from, set, mask);
}
