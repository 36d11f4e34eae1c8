import DriverCore
import Instrumentation

/// Logical memory (``DriverCore/ModelMemory``): allocation and free sites, misuse.
extension SanitizerState {
    mutating func allocated(_ event: LifetimeEvent) {
        update(event) { r in
            r.isMemory = true
            r.seenCreated = true
            r.state = .live
            r.created = SiteRecord(event)
        }
    }

    mutating func freed(_ event: LifetimeEvent) {
        // devres frees its memory as part of a release on this thread (its node is named after
        // the allocation): record the teardown and the devres release with it.
        let byDevres = event.site == .model
            || lastDevresRelease[event.thread].map { event.objectName.hasPrefix($0.detail + " of ") } == true
        let teardown = lastDevresReleaseDevice[event.thread].flatMap { teardownByDevice[$0] } ?? lastTeardown[event.thread]
        let context = byDevres ? [teardown, lastDevresRelease[event.thread]].compactMap { $0 } : []
        var first = false
        update(event) { r in
            first = r.state != .released
            r.state = .released
            r.released += context
            r.released.append(SiteRecord(event))
        }
        if first { quarantined(event.object) }
    }

    /// `memory.useAfterFree` / `memory.doubleFree` / `memory.nullDereference`, and
    /// `ref.unheldPut`: misuse the model itself detected and described.
    mutating func memoryMisuse(_ event: LifetimeEvent) {
        update(event) { _ in }
        if event.kind == .memoryNullDereference {
            report(.nullDereference, event, message: event.detail)
            return
        }
        if event.kind == .refUnheldPut {
            report(.putNeverTaken, event, message: event.detail)
            return
        }
        if event.kind == .memoryDoubleFree {
            report(.doubleFree, event, message: event.detail)
            return
        }
        // Freed by the teardown of a binding: the bound lifetime ended under the user's feet.
        let freedBy = objects[event.object]?.released.first { $0.kind == .removeStart || $0.kind == .probeResult }
        if let freedBy {
            let how = freedBy.kind == .removeStart ? "its driver \(freedBy.detail) was unbound" : "the probe (\(freedBy.detail)) failed"
            // On the first line, the one that says what is wrong: a described driver's detail
            // continues with its allocated/freed/accessed trail, which this must not trail.
            let said = event.detail.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
            let first = "\(said[0]); devres memory freed when \(how) at \(freedBy.site)"
            report(.useAfterUnbind, event, message: ([first] + said.dropFirst().map(String.init)).joined(separator: "\n"))
        } else {
            report(.useAfterFree, event, message: event.detail)
        }
    }
}
