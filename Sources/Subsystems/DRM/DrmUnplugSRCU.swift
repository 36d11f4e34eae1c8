import Instrumentation

/// DRM's one SRCU domain, `drm_unplug_srcu` (drivers/gpu/drm/drm_drv.c; commit bee330f3d672,
/// "drm: Use srcu to protect drm_device.unplugged"): every `drm_dev_enter` of every
/// DRM device is a read-side section of this single domain, and every `drm_dev_unplug` runs
/// `synchronize_srcu` on it.
///
/// What that costs, and what the model shows: an unplug of one device waits for the readers
/// of *every* device — a GPU whose driver sits in a long `drm_dev_enter` section (a firmware
/// upload, a blocking register poll) delays the hot-unplug of an unrelated USB display. Our
/// per-device fence (``DrmUnplugDesign/perDevice``, a `Revocable` per device) waits only for
/// the unplugged device's own readers. `DrmIsolationTests` shows both side by side.
///
/// The grace period is the classic two-epoch scheme: readers count into the current epoch;
/// `synchronize` (serialised by its own lock, as SRCU's `srcu_gp_mutex`) flips the epoch and
/// waits until the old one is empty, so it waits for the readers that were inside when it
/// began and never for readers that enter after the flip.
///
/// Thread-safe. Cost: one model-lock round trip per read-side enter and exit (the kernel's
/// are per-CPU counters; the model favours visibility to the explorer over speed). All state
/// is under its `lock`: no atomics, so no ordering argument beyond the lock's.
public final class DrmUnplugSRCU: Sendable {
    /// Guards the epoch and the counts; the wait queue sleeps on it.
    let lock: ModelLock
    /// Serialises grace periods (`srcu_gp_mutex`): two unplugs never flip under each other.
    let gracePeriods: ModelLock
    let drained: WaitQueue
    private let state = Locked(State())

    struct State {
        var epoch = 0
        var readers = [0, 0]
        var gracePeriodsCompleted = 0
    }

    public init(events: EventStream) {
        lock = ModelLock(class: "srcu", name: "drm_unplug_srcu", events: events)
        gracePeriods = ModelLock(class: "srcu_gp", name: "drm_unplug_srcu.gp", events: events)
        drained = WaitQueue(name: "drm_unplug_srcu")
    }

    /// `srcu_read_lock`: enters a read-side section; returns the epoch to pass to
    /// ``readUnlock(_:site:)``.
    public func readLock(site: CallSite = .model) -> Int {
        lock.withLock(site: site) {
            state.withLock { s in
                s.readers[s.epoch] += 1
                return s.epoch
            }
        }
    }

    /// `srcu_read_unlock`: leaves the section entered at `epoch`; wakes a waiting grace period
    /// when its epoch drains.
    public func readUnlock(_ epoch: Int, site: CallSite = .model) {
        lock.withLock(site: site) {
            let empty = state.withLock { s in
                s.readers[epoch] -= 1
                return s.readers[epoch] == 0
            }
            if empty { drained.wakeAll(site: site) }
        }
    }

    /// `synchronize_srcu`: returns once every read-side section that began before the call —
    /// on any DRM device — has ended. Blocks.
    public func synchronize(site: CallSite = .model) {
        Scheduling.point(.synchronize(lock.id, name: "drm_unplug_srcu"), site: site)
        gracePeriods.withLock(site: site) {
            lock.withLock(site: site) {
                let old = state.withLock { s in
                    defer { s.epoch ^= 1 }
                    return s.epoch
                }
                drained.wait(until: { state.withLock { $0.readers[old] == 0 } }, holding: lock, site: site)
                state.withLock { $0.gracePeriodsCompleted += 1 }
            }
        }
    }

    /// Readers inside a section right now (both epochs).
    public var activeReaders: Int { state.withLock { $0.readers[0] + $0.readers[1] } }

    /// Grace periods waiting for readers to drain right now: for tests that must act once an
    /// unplug really waits, instead of guessing with a timer.
    package var waitingGracePeriods: Int { drained.sleepers }

    /// Grace periods completed so far.
    public var gracePeriodsCompleted: Int { state.withLock { $0.gracePeriodsCompleted } }
}
