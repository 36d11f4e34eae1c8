#define _GNU_SOURCE
#include "dm_thread.h"
#include <unistd.h>
#include <sys/syscall.h>

int dm_sched_attached_count = 0;

static __thread uint64_t cached_tid = 0;
static __thread void *current_controller = 0;

uint64_t dm_gettid(void) {
    if (cached_tid == 0) {
        cached_tid = (uint64_t)syscall(SYS_gettid);
    }
    return cached_tid;
}

void *dm_sched_current(void) { return current_controller; }
void dm_sched_set_current(void *controller) { current_controller = controller; }

__thread uint64_t dm_probe_context_value = 0;
