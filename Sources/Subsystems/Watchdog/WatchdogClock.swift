import Instrumentation

/// A simulated clock in seconds for watchdog hardware models: tests advance it instead of
/// sleeping, so "no keep-alive for `timeout` seconds" is deterministic and instant.
/// Thread-safe; cost: one lock per read or advance.
public final class WatchdogClock: Sendable {
    private let seconds = Locked<Int>(0)
    public init() {}
    /// Seconds since the clock was created.
    public var now: Int { seconds.withLock { $0 } }
    /// Moves time forward by `delta` seconds (negative values are ignored).
    public func advance(by delta: Int) { seconds.withLock { $0 += max(0, delta) } }
}
