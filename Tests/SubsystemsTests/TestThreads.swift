import Foundation
import CharDev
import DriverCore
import Instrumentation

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

/// The writer of every stress test: once `ready()` (a caller has succeeded against the bound
/// device), unbind and rebind `device` `rounds` times, then set `stop` for the callers.
func rebindLoop(_ kernel: Kernel, _ device: Device, driver: String, rounds: Int = 40,
                stop: Locked<Bool>, ready: @escaping @Sendable () -> Bool) -> @Sendable () -> Void {
    {
        waitUntil(ready)
        for _ in 0..<rounds {
            try? kernel.unbind(device)
            try? kernel.bind(device, to: driver)
        }
        stop.withLock { $0 = true }
    }
}

/// The reader of a stress test: until `stop` (or `rounds`), open a file, use it, close it,
/// and count the outcome ("ok", the errno of the use, or "open <errno>").
func fileCaller(stop: Locked<Bool>, outcomes: Locked<[String: Int]>, rounds: Int = 20_000,
                open: @escaping @Sendable () throws(FileError) -> OpenFile,
                use: @escaping @Sendable (OpenFile) throws(FileError) -> Void) -> @Sendable () -> Void {
    {
        var done = 0
        while !stop.withLock({ $0 }) && done < rounds {
            done += 1
            var key: String
            do throws(FileError) {
                let file = try open()
                do throws(FileError) {
                    try use(file)
                    key = "ok"
                } catch {
                    key = error.errno.name
                }
                try file.close()
            } catch {
                key = "open " + error.errno.name
            }
            outcomes.withLock { $0[key, default: 0] += 1 }
        }
    }
}
