// A one-slot wake-up flag for handing control from one thread to another: the explorer runs
// one actor thread at a time, so every switch is "post the next thread's baton, then wait on
// your own". A futex word instead of a pthread condition variable because a condition must be
// signalled under its mutex, and the woken thread then wakes only to block on that mutex: on
// the explorer's hot path that doubles the context switches (measured: 22.6 per execution of
// the canonical scenario with conditions).
#ifndef DM_BATON_H
#define DM_BATON_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Sets the baton and wakes its owner if it sleeps. Release ordering: what the poster wrote
/// before is visible to the owner after its wait returns.
void dm_baton_post(uint32_t *baton);

/// Sleeps until the baton is posted, then clears it and returns 1 (acquire ordering). With
/// `deadline_ns` >= 0 (CLOCK_MONOTONIC nanoseconds), returns 0 once that time has passed
/// without a post. Posts coalesce: several posts before a wait wake it once.
int dm_baton_wait(uint32_t *baton, int64_t deadline_ns);

/// CLOCK_MONOTONIC now, in nanoseconds.
int64_t dm_monotonic_ns(void);

#ifdef __cplusplus
}
#endif
#endif
