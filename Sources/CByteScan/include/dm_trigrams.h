// A vectorised search for up to eight 3-byte strings at once, for the lint's prefilter,
// which reads every byte of a kernel tree (1 GB for drivers/). The method is Teddy's (from
// Hyperscan): a byte's low and high nibbles each index a 16-entry table whose entries are
// bit sets of fingerprints, so one shuffle per nibble tests all eight fingerprints at one
// offset for 32 positions. Swift cannot ask for AVX2 in one function and keep the rest of
// the build portable; C can, with a per-function target attribute and a CPU check at run
// time, so no compiler flag (and no `unsafeFlags`) is needed.
#ifndef DM_TRIGRAMS_H
#define DM_TRIGRAMS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { DM_TRIGRAMS_MAX = 8, DM_TRIGRAMS_WINDOW = 32 };

/// Tables for up to `DM_TRIGRAMS_MAX` fingerprints; fingerprint j is bit j of each entry.
/// Built once, then only read: safe to share between threads.
typedef struct {
    uint8_t low[3][32];    // per offset in the fingerprint: by low nibble, both 128-bit lanes
    uint8_t high[3][32];   // by high nibble
    uint8_t bytes[3][256]; // by whole byte: the tail, and CPUs without AVX2
} dm_trigram_set;

/// Fills `set` for `count` fingerprints (`fingerprints[j][0..2]`); counts above
/// `DM_TRIGRAMS_MAX` keep the first ones. With one fingerprint per bit the nibble tables
/// are exact: a position matches only where its three bytes equal a fingerprint.
void dm_trigram_set_init(dm_trigram_set *set, const uint8_t (*fingerprints)[3], int count);

/// Finds the first window of `DM_TRIGRAMS_WINDOW` positions, at or after `from`, holding a
/// position `k` (with `k + 3 <= n`) where `p[k..<k+3]` is one of the fingerprints. Returns
/// the window's start and sets bit `b` of `*mask` for each such position `start + b`;
/// returns `n` and a zero mask when there is none.
///
/// Cost: with AVX2, about 27 instructions per 32 bytes whatever the number of
/// fingerprints (three loads, six shuffles); without, three table loads and two ANDs per byte.
/// Thread-safe: reads only its arguments (the CPU check is an idempotent cached flag).
size_t dm_find_trigrams(const uint8_t *p, size_t n, size_t from, const dm_trigram_set *set, uint32_t *mask);

/// The same search without vectors, whatever the CPU: what `dm_find_trigrams` falls back
/// to, callable directly so that tests compare the two on one machine.
size_t dm_find_trigrams_portable(const uint8_t *p, size_t n, size_t from, const dm_trigram_set *set, uint32_t *mask);

#ifdef __cplusplus
}
#endif
#endif
