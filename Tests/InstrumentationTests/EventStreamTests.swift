import Testing
@testable import Instrumentation

@Suite struct EventStreamTests {
    @Test func unobservedStreamDoesNotBuildDetail() {
        let stream = EventStream()
        var built = false
        stream.emit(EventKind("x"), object: .next(), name: "a", detail: { built = true; return "" }())
        #expect(!built)
    }

    @Test func sequenceNumbersAreStrictlyIncreasingAcrossThreads() async {
        let stream = EventStream()
        let recorder = EventRecorder()
        stream.attach(recorder)
        await withTaskGroup(of: Void.self) { group in
            for t in 0..<4 {
                group.addTask {
                    for i in 0..<250 { stream.emit(EventKind("t"), object: .next(), name: "\(t)", detail: "\(i)") }
                }
            }
        }
        let seqs = recorder.events.map(\.sequence)
        #expect(seqs.count == 1000)
        #expect(Set(seqs).count == 1000)
        #expect(seqs == seqs.sorted())
        #expect(seqs.first == 1 && seqs.last == 1000)
    }

    @Test func detachedObserverSeesNothingMore() {
        let stream = EventStream()
        let recorder = EventRecorder()
        stream.attach(recorder)
        stream.emit(EventKind("a"), object: .next(), name: "x")
        stream.detach(recorder)
        stream.emit(EventKind("b"), object: .next(), name: "x")
        #expect(recorder.events.map(\.kind) == [EventKind("a")])
        #expect(!stream.isObserved)
    }

    @Test func eventsCarryTheCallSite() {
        let stream = EventStream()
        let recorder = EventRecorder()
        stream.attach(recorder)
        let line: UInt = #line + 1
        stream.emit(EventKind("a"), object: .next(), name: "x", site: CallSite())
        #expect(recorder.events.first?.site.line == line)
        #expect(recorder.events.first?.site.fileID.description.hasSuffix("EventStreamTests.swift") == true)
    }
}
