import DriverCore
import Instrumentation

/// A deliberately broken copy of the devres release path, as a test fixture: it announces
/// its registrations and releases on the kernel's stream exactly as the core does, but
/// releases them oldest first.
struct BrokenDevres {
    let kernel: Kernel
    let device: Device
    private var names: [(String, CallSite)] = []

    init(kernel: Kernel, device: Device) {
        self.kernel = kernel
        self.device = device
    }

    mutating func add(_ name: String, fileID: StaticString = #fileID, line: UInt = #line) {
        let site = CallSite(fileID: fileID, line: line)
        names.append((name, site))
        kernel.events.emit(.devresAdd, object: device.id, name: device.name, detail: name, site: site)
    }

    /// The unbind sequence with the bug: remove, then devres released in registration order.
    mutating func unbindOldestFirst(fileID: StaticString = #fileID, line: UInt = #line) {
        let site = CallSite(fileID: fileID, line: line)
        kernel.events.emit(.removeStart, object: device.id, name: device.name, detail: "broken", site: site)
        for (name, added) in names {
            kernel.events.emit(.devresRelease, object: device.id, name: device.name, detail: name, site: added)
        }
        names.removeAll()
        kernel.events.emit(.unbind, object: device.id, name: device.name, detail: "broken", site: site)
    }
}
