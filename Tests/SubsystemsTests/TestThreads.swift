import Foundation

/// Runs each body on its own OS thread and waits for all: unlike tasks in a task group, these
/// really run concurrently on a 2-core machine (the cooperative pool is only 2 threads wide,
/// so a spinning task could starve the others).
func runOnThreads(_ bodies: [@Sendable () -> Void]) {
    let group = DispatchGroup()
    for body in bodies {
        group.enter()
        Thread {
            body()
            group.leave()
        }.start()
    }
    group.wait()
}

/// Spins (yielding) until `condition` holds or `seconds` pass; returns whether it held. Lets a
/// stress test's unbinder wait until the callers have really run against a bound device.
@discardableResult
func waitUntil(seconds: Double = 10, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while !condition() {
        if Date() > deadline { return false }
        Thread.sleep(forTimeInterval: 0.0005)
    }
    return true
}
