import DriverCore

/// A `struct cdev` embedded in a larger allocation, the way drivers and subsystems embed it:
/// the cdev's kobject — and so its reference count — lives inside that allocation, so every
/// `cdev_get`/`cdev_put` (each open and close of the node) writes the container's memory.
/// Nothing makes the container outlive the cdev unless someone arranges it: pinning the
/// parent (`2f0157f`), or freeing the container from the cdev's own release. The entries
/// built on it show what happens when nobody did. Teaching material only.
final class EmbeddedCdev: Sendable {
    /// The container; its value is the embedded kobject's count (1 from `cdev_init`).
    let container: ModelMemory<Int>
    /// The kobject's release, at the last put.
    let release: @Sendable () -> Void

    init(container: ModelMemory<Int>, release: @escaping @Sendable () -> Void) {
        self.container = container
        self.release = release
    }

    /// `cdev_get` (at open).
    func get() { _ = try? container.write { $0 += 1 } }

    /// `cdev_put` (at close, and `cdev_del` for the registration's reference).
    func put() {
        let last = (try? container.write { count -> Bool in
            count -= 1
            return count == 0
        }) ?? false
        if last { release() }
    }
}
