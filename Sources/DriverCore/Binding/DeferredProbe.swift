import Instrumentation

/// Deferred probe (dd.c `driver_deferred_probe_add`, `driver_deferred_probe_trigger`): a
/// probe that answers EPROBE_DEFER is queued with its reason and retried every time some
/// other probe succeeds.
extension Kernel {
    /// The pending list, in the order devices deferred, with the reason each gave.
    public var deferredProbes: [(device: String, reason: String)] {
        let pending = registry.withLock { r in r.deferred.map { ($0.id, $0.reason) } }
        return pending.compactMap { id, reason in device(id: id).map { ($0.name, reason) } }
    }

    /// The debugfs `devices_deferred` file: one `name<TAB>reason` line per pending device.
    public var devicesDeferredText: String {
        deferredProbes.map { "\($0.device)\t\($0.reason)\n" }.joined()
    }

    /// Retries every deferred device. Re-entrant calls (a retry that binds and so triggers
    /// again) only bump a generation; the thread already retrying loops until no new trigger
    /// arrived during a pass, so nothing is missed and nothing recurses.
    func triggerDeferredProbe(site: CallSite) {
        let shouldRun = deferredWork.withLock { w -> Bool in
            w.generation &+= 1
            if w.running { return false }
            w.running = true
            return true
        }
        guard shouldRun else { return }
        while true {
            let generation = deferredWork.withLock { $0.generation }
            let pending = registry.withLock { r in r.deferred.map(\.id) }
            for id in pending {
                guard let device = device(id: id), device.core.withLock({ $0.driver == nil }) else { continue }
                attach(device, site: site)
            }
            let again = deferredWork.withLock { w -> Bool in
                if w.generation == generation {
                    w.running = false
                    return false
                }
                return true
            }
            if !again { return }
        }
    }
}
