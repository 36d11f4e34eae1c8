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
