import DriverCore
import Instrumentation

extension EventKind {
    /// `dev_hold`/`netdev_hold` by a kernel user (detail: the holder and the count after).
    public static let netdevHold = EventKind("netdev.hold")
    /// `dev_put`/`netdev_put`.
    public static let netdevPut = EventKind("netdev.put")
    public static let netdevRegister = EventKind("netdev.register")
    public static let netdevUnregister = EventKind("netdev.unregister")
    /// `free_netdev`.
    public static let netdevFree = EventKind("netdev.free")
}

/// A net device's dev_hold count with its holders, as lib/ref_tracker.c records them, and the
/// wait of `netdev_wait_allrefs_any` (net/core/dev.c) for it to drain.
///
/// Only kernel users hold it (a socket's call, a protocol's cached device); the registration's
/// own reference is not counted here, so "drained" is zero. The wait sleeps on a wait queue
/// under a model lock: under the explorer a reference nobody will put is a hang it reports, as
/// the kernel's endless "waiting for ethN to become free" loop is one. Cost: one lock per
/// hold or put. Thread-safe.
final class NetRefcount: Sendable {
    private let counts = Locked<[String: Int]>([:])
    let lock: ModelLock
    let queue: WaitQueue
    let events: EventStream
    let id = ObjectID.next()

    init(name: String, events: EventStream) {
        self.events = events
        lock = ModelLock(class: "netdev", name: "\(name).refcnt", events: events)
        queue = WaitQueue(name: "netdev \(name) refcnt (netdev_wait_allrefs)")
    }

    var holders: [String: Int] { counts.withLock { $0.filter { $0.value > 0 } } }
    var total: Int { counts.withLock { $0.values.reduce(0, +) } }

    func hold(_ holder: String, device: String, site: CallSite) {
        let n = lock.withLock(site: site) { counts.withLock { c -> Int in c[holder, default: 0] += 1; return c.values.reduce(0, +) } }
        events.emit(.netdevHold, object: id, name: device, detail: "\(holder) refcnt=\(n)", site: site)
    }

    /// Drops `holder`'s reference; a put by a holder that holds none is reported (ref_tracker's
    /// "reference already released") and changes nothing.
    func put(_ holder: String, device: String, site: CallSite) {
        let n: Int? = lock.withLock(site: site) {
            let n = counts.withLock { c -> Int? in
                guard let h = c[holder], h > 0 else { return nil }
                c[holder] = h - 1
                return c.values.reduce(0, +)
            }
            if n == 0 { queue.wakeAll(site: site) }
            return n
        }
        guard let n else {
            events.emit(.warning, object: id, name: device, detail: "dev_put by \(holder), which holds no reference", site: site)
            return
        }
        events.emit(.netdevPut, object: id, name: device, detail: "\(holder) refcnt=\(n)", site: site)
    }

    /// `netdev_wait_allrefs_any`: sleeps until no kernel reference is left. After `warnAfter`
    /// nanoseconds (the kernel's `netdev_unregister_timeout_secs`, 10 s) it reports who still
    /// holds one — "unregister_netdevice: waiting for ethN to become free. Usage count = N" with
    /// ref_tracker's holders — and goes on waiting, as the kernel does.
    func waitUntilDrained(device: String, warnAfter: UInt64, site: CallSite) {
        let drained = lock.withLock(site: site) {
            queue.wait(until: { total == 0 }, holding: lock, timeoutNanoseconds: warnAfter, site: site)
        }
        if drained { return }
        let held = holders.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
        events.emit(.warning, object: id, name: device,
                    detail: "unregister_netdevice: waiting for \(device) to become free. Usage count = \(total) (held by: \(held))",
                    site: site)
        lock.withLock(site: site) { queue.wait(until: { total == 0 }, holding: lock, site: site) }
    }
}
