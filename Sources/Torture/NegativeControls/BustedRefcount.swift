import DriverCore
import Instrumentation

/// **Broken on purpose** — the negative control of `devmodel torture --broken refcount`: a
/// reference count that announces its gets and puts like the driver core's (so the sanitizer
/// tracks it) but whose final put skips the release (class P7 of Docs/bug-classes.md: a release that never runs, an
/// empty or missing release function). The data it should free stays allocated forever.
///
/// The sanitizer catches it as ``Sanitizer/FindingKind/releaseNeverRan`` — during the run,
/// when an object's count stays at zero without a release across a whole stat interval
/// (``Sanitizer/Sanitizer/pendingReleases``), and at the end with the leak check (the data's
/// memory never freed). Teaching material; nothing outside the torture's negative controls
/// uses it.
final class BustedRefcount: GenerationRefcount {
    let id = ObjectID.next()
    let name: String
    let events: EventStream
    private let count = Locked(1)

    init(events: EventStream, name: String) {
        self.name = name
        self.events = events
        events.emit(.deviceInitialize, object: id, name: name, detail: "ref=1")
    }

    func tryGet() -> Bool {
        // get-unless-zero: this much it does right.
        guard let n = count.withLock({ c -> Int? in
            guard c > 0 else { return nil }
            c += 1
            return c
        }) else { return false }
        events.emit(.get, object: id, name: name, detail: "ref=\(n)")
        return true
    }

    /// The bug: reaching zero releases nothing.
    func put() {
        let n = count.withLock { c -> Int in
            c -= 1
            return c
        }
        events.emit(.put, object: id, name: name, detail: "ref=\(n)")
    }
}

extension GenerationParts {
    /// The real parts with the data's refcount replaced by ``BustedRefcount``.
    func withBustedRefcount() -> GenerationParts {
        GenerationParts(fence: fence, refcount: { kernel, name, _ in BustedRefcount(events: kernel.events, name: name) })
    }
}
