import DriverCore
import Instrumentation

/// The `/dev` namespace of one kernel: node names published by registered character devices.
///
/// Guarantees: a node is visible only after its device is fully initialised (publish is the
/// last step of registration, class P10 of Docs/bug-classes.md) and invisible from the first step of unregistration;
/// `open` takes its reference on the device *inside* the namespace lock, so there is no
/// lookup-then-get window in which an unregister could free what was found (class P15).
/// Cost: one lock and a dictionary lookup per open.
public final class DevNamespace: Sendable {
    public let kernel: Kernel
    /// The devfs lock: a model lock, so the explorer can interleave opens and unregisters.
    let lock: ModelLock
    private let nodes = Locked<[String: CharDevice]>([:])

    public init(kernel: Kernel) {
        self.kernel = kernel
        lock = ModelLock(class: "devfs", name: "devfs", events: kernel.events)
    }

    /// Published node paths, sorted ("/dev/gpiochip0", …).
    public var paths: [String] { nodes.withLock { $0.keys.sorted() } }

    public func contains(_ path: String) -> Bool { nodes.withLock { $0[Self.normalise(path)] != nil } }

    /// `open(2)`. ENOENT if no such node; ENODEV if it is being torn down.
    public func open(_ path: String, nonblocking: Bool = false, fileID: StaticString = #fileID,
                     line: UInt = #line) throws(FileError) -> OpenFile {
        let site = CallSite(fileID: fileID, line: line)
        let key = Self.normalise(path)
        let cdev: CharDevice = try lock.withLock(site: site) { () throws(FileError) -> CharDevice in
            guard let cdev = nodes.withLock({ $0[key] }) else {
                throw FileError(.ENOENT, "\(key): no such file or directory")
            }
            // The reference is taken before the lock is dropped: unregister unpublishes under
            // this same lock, so what we found cannot be released under us.
            try cdev.acquireReference(site: site)
            return cdev
        }
        return try cdev.openFile(path: key, nonblocking: nonblocking, privateData: nil, referenceHeld: true, site: site)
    }

    static func normalise(_ path: String) -> String { path.hasPrefix("/dev/") ? path : "/dev/" + path }

    func publish(_ cdev: CharDevice, site: CallSite) throws(FileError) {
        let key = Self.normalise(cdev.name)
        try lock.withLock(site: site) { () throws(FileError) in
            try nodes.withLock { (n: inout [String: CharDevice]) throws(FileError) in
                guard n[key] == nil else { throw FileError(.EEXIST, "\(key) already exists") }
                n[key] = cdev
            }
        }
        kernel.events.emit(.nodePublish, object: cdev.device.id, name: cdev.name, detail: key, site: site)
    }

    func unpublish(_ cdev: CharDevice, site: CallSite) {
        let key = Self.normalise(cdev.name)
        lock.withLock(site: site) {
            nodes.withLock { n in if n[key] === cdev { n[key] = nil } }
        }
        kernel.events.emit(.nodeUnpublish, object: cdev.device.id, name: cdev.name, detail: key, site: site)
    }
}
