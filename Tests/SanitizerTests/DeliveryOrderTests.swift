import DriverCore
import Instrumentation
import Sanitizer
import Testing

/// Observers may receive two threads' events out of their sequence order; the verdicts must
/// not depend on it.
@Suite("events delivered out of sequence order")
struct DeliveryOrderTests {
    let device = ObjectID.next()

    func event(_ sequence: UInt64, _ kind: EventKind, _ detail: String = "", thread: UInt64) -> LifetimeEvent {
        LifetimeEvent(sequence: sequence, time: sequence, kind: kind, object: device, objectName: "ooo.0",
                      detail: detail, site: CallSite(), thread: thread)
    }

    /// init; A gets; B puts; C puts the last reference; released.
    var emitted: [LifetimeEvent] {
        [event(1, .deviceInitialize, "ref=1", thread: 1), event(2, .get, "ref=2", thread: 2),
         event(3, .put, "ref=1", thread: 3), event(4, .put, "ref=0", thread: 4), event(5, .deviceRelease, thread: 4)]
    }

    @Test("a get delivered after the puts it explains: no finding", arguments: [[0, 1, 2, 3, 4], [0, 2, 3, 1, 4], [0, 2, 3, 4, 1]])
    func lateGet(order: [Int]) {
        let sanitizer = Sanitizer()
        for i in order { sanitizer.observe(emitted[i]) }
        #expect(sanitizer.finish().isEmpty, "\(sanitizer.report())")
        #expect(sanitizer.state(of: device) == .released)
    }

    @Test("without that get the last put is unexplained")
    func missingGet() throws {
        let sanitizer = Sanitizer()
        for i in [0, 2, 3, 4] { sanitizer.observe(emitted[i]) }
        let found = sanitizer.findings
        try #require(found.count == 1)
        #expect(found[0].kind == .putNeverTaken)
        #expect(found[0].access.sequence == 4)
    }
}

/// The core takes an event's sequence number when it emits, after the count changed: a put
/// that dropped 2→1 can be numbered after the final put 1→0 of another thread.
@Suite("events sequenced after the operation")
struct EmissionOrderTests {
    @Test("a put emitted after another thread's final put and the release is not a use after release")
    func putEmittedLate() {
        let device = ObjectID.next()
        func event(_ sequence: UInt64, _ kind: EventKind, _ detail: String = "", thread: UInt64) -> LifetimeEvent {
            LifetimeEvent(sequence: sequence, time: sequence, kind: kind, object: device, objectName: "late.0",
                          detail: detail, site: CallSite(), thread: thread)
        }
        let sanitizer = Sanitizer()
        for e in [event(1, .deviceInitialize, "ref=1", thread: 1), event(2, .get, "ref=2", thread: 2),
                  event(3, .put, "ref=0", thread: 1), event(4, .deviceRelease, thread: 1),
                  event(5, .put, "ref=1", thread: 2)] {
            sanitizer.observe(e)
        }
        #expect(sanitizer.finish().isEmpty, "\(sanitizer.report())")
        // A real use after release is still one.
        sanitizer.observe(event(6, .devresAdd, "devm_kzalloc", thread: 2))
        #expect(sanitizer.findings.map(\.kind) == [.useAfterRelease])
    }
}
