import Foundation
import Instrumentation

/// A forced interleaving for check-then-use bugs (class P3 of Docs/bug-classes.md), without a scheduler: a call runs
/// on its own thread; when it reaches its window (between its check and its use, a hook the
/// legacy code calls), an unbind starts on another thread and gets `grace` to finish before
/// the call goes on. Code that keeps removal out of the window makes the unbind wait, so it
/// finishes only after the call; code that does not lets it finish inside — and the call's
/// use then touches what the unbind freed.
///
/// Deterministic as long as an unprotected unbind finishes within `grace` (it takes
/// microseconds). Cost: `grace` whenever the unbind is kept out.
enum UnbindInWindow {
    enum Outcome: String {
        /// The call never reached its window (so no unbind ran).
        case notReached = "the call never reached its window"
        /// The unbind had to wait for the call.
        case keptOut = "the unbind waited for the call"
        /// The unbind finished between the call's check and its use.
        case inside = "the unbind finished between the call's check and its use"
    }

    /// Runs `call` with `hook` armed for one window, and `unbind` in that window.
    static func run(hook: Locked<(@Sendable () -> Void)?>, grace: DispatchTimeInterval = .milliseconds(200),
                    call: @escaping @Sendable () -> Void, unbind: @escaping @Sendable () -> Void) -> Outcome {
        let unbound = DispatchSemaphore(value: 0)
        let outcome = Locked(Outcome.notReached)
        hook.withLock { h in
            h = {
                hook.withLock { $0 = nil }  // one window only
                Thread { unbind(); unbound.signal() }.start()
                let inside = unbound.wait(timeout: .now() + grace) == .success
                outcome.withLock { $0 = inside ? .inside : .keptOut }
            }
        }
        let done = DispatchSemaphore(value: 0)
        Thread { call(); done.signal() }.start()
        done.wait()
        hook.withLock { $0 = nil }
        let result = outcome.withLock { $0 }
        if result == .keptOut { unbound.wait() }  // it finishes once the call has left
        return result
    }
}
