import Testing
@testable import Instrumentation

/// Kinds are interned: equal raw values give equal codes wherever they are made, and a map
/// read by code answers like a dictionary would.
@Suite struct EventKindTests {
    @Test func equalRawValuesShareOneCode() {
        let a = EventKind("test.kind-a"), again = EventKind(rawValue: "test.kind-a"), b = EventKind("test.kind-b")
        #expect(a == again && a.code == again.code && a.hashValue == again.hashValue)
        #expect(a != b && a.code != b.code)
        #expect(Set([a, again, b]).count == 2)
    }

    @Test func aMapAnswersByCodeAndKnowsNothingOfLaterKinds() {
        let x = EventKind("test.map-x"), y = EventKind("test.map-y")
        let map = EventKindMap([x: 1, y: 2])
        #expect(map[EventKind("test.map-x")] == 1 && map[y] == 2)
        #expect(map[EventKind("test.map-made-after")] == nil)
        #expect(map[EventKind.lockAcquire] == nil)
    }

    @Test func aRecorderKeepsOnlyTheKindsAskedFor() {
        let kept = EventKind("test.kept"), dropped = EventKind("test.dropped")
        let stream = EventStream()
        let recorder = EventRecorder(keeping: [kept])
        stream.attach(recorder)
        stream.emit(kept, object: .next(), name: "k")
        stream.emit(dropped, object: .next(), name: "d")
        #expect(recorder.events.map(\.kind) == [kept])
    }
}
