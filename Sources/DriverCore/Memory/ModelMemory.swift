import Instrumentation

/// A logical allocation: a value that is "freed" at a precise moment (a devres release, a
/// drmm release, an object's release callback) and whose every later use is *detected*
/// instead of being undefined behaviour.
///
/// This is how the model makes the kernel's use-after-free visible: a `devm_kzalloc`'d
/// struct is a `ModelMemory` freed by devres at unbind; a file operation that reaches it
/// afterwards gets ``DriverCoreError/useAfterFree(memory:operation:freedAt:site:)`` and an
/// event `memory.useAfterFree` that the sanitizer turns into a KASAN-shaped report.
///
/// Guarantee: after `free`, `read`/`write` never return the value, and a second `free` is
/// reported as a double free. Swift's ARC still owns the storage (the object is
/// "quarantined", never reused), so a report can always name it.
/// Cost: one internal lock per access.
public final class ModelMemory<Value: Sendable>: Sendable {
    public let id = ObjectID.next()
    public let name: String
    public let allocatedAt: CallSite
    private let events: EventStream?
    private let state: Locked<State>

    struct State {
        var value: Value?
        var freedAt: CallSite?
    }

    public init(_ value: Value, name: String, events: EventStream? = nil, fileID: StaticString = #fileID, line: UInt = #line) {

        let site = CallSite(fileID: fileID, line: line)
        self.name = name
        self.allocatedAt = site
        self.events = events
        self.state = Locked(State(value: value, freedAt: nil))
        events?.emit(.memoryAlloc, object: id, name: name, site: site)
    }

    /// True until the allocation is freed.
    public var isLive: Bool { state.withLock { $0.freedAt == nil } }

    /// Where it was freed, if it was.
    public var freedAt: CallSite? { state.withLock { $0.freedAt } }

    /// Reads the value, or reports a use after free.
    public func read<R>(fileID: StaticString = #fileID, line: UInt = #line, _ body: (Value) throws -> R) throws -> R {
        let site = CallSite(fileID: fileID, line: line)
        let value = try checkedValue(operation: "read", site: site)
        return try body(value)
    }

    /// The current value, or a use-after-free error.
    public func get(fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) -> Value {
        try checkedValue(operation: "read", site: CallSite(fileID: fileID, line: line))
    }

    /// Mutates the value in place, or reports a use after free.
    public func write<R>(fileID: StaticString = #fileID, line: UInt = #line, _ body: (inout Value) -> R) throws(DriverCoreError) -> R {
        let site = CallSite(fileID: fileID, line: line)
        Scheduling.touch(id)
        let result: Result<R, DriverCoreError> = state.withLock { s in
            guard s.freedAt == nil, s.value != nil else {
                return .failure(.useAfterFree(memory: name, operation: "write", freedAt: s.freedAt ?? .model, site: site))
            }
            return .success(body(&s.value!))
        }
        if case .failure(let e) = result { report(e, site: site) }
        return try result.get()
    }

    /// Frees the allocation. A second call is a double free (reported, state unchanged).
    public func free(fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        let site = CallSite(fileID: fileID, line: line)
        Scheduling.touch(id)
        let previous: CallSite? = state.withLock { s in
            if let f = s.freedAt { return f }
            s.freedAt = site
            s.value = nil
            return nil
        }
        if let previous {
            let e = DriverCoreError.doubleFree(memory: name, freedAt: previous, site: site)
            report(e, site: site)
            throw e
        }
        events?.emit(.memoryFree, object: id, name: name, site: site)
    }

    private func checkedValue(operation: String, site: CallSite) throws(DriverCoreError) -> Value {
        Scheduling.touch(id)
        let result: Result<Value, DriverCoreError> = state.withLock { s in
            if let v = s.value { return .success(v) }
            return .failure(.useAfterFree(memory: name, operation: operation, freedAt: s.freedAt ?? .model, site: site))
        }
        if case .failure(let e) = result { report(e, site: site) }
        return try result.get()
    }

    private func report(_ error: DriverCoreError, site: CallSite) {
        switch error {
        case .doubleFree: events?.emit(.memoryDoubleFree, object: id, name: name, detail: error.description, site: site)
        default: events?.emit(.memoryUseAfterFree, object: id, name: name, detail: error.description, site: site)
        }
    }
}
