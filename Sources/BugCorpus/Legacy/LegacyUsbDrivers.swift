import DriverCore
import Instrumentation
import SimHardware

/// vub300 after its devm conversion (`8f4d20a71022`, classes P1/P14): the host's private state was
/// devm memory, freed at disconnect, while the host itself is refcounted and a pending URB
/// completion still holds it and touches the state afterwards. `legacy: false` is the fix:
/// the state belongs to the host object (freed at its final put).
final class Vub300Driver: DeviceDriver {
    let name = "vub300"
    let idTable = ["usb-if:vub300"]
    let legacy: Bool
    /// The "URB completion" that will run after disconnect: it holds a host reference.
    let pending = Locked<(@Sendable () -> Void)?>(nil)
    init(legacy: Bool) { self.legacy = legacy }

    func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        let kernel = device.device.kernel
        let legacy = self.legacy
        try ProbeError.mapping {
            let host = Device(kernel: kernel, name: "mmc-host-\(device.device.name)") { _ in }  // mmc_alloc_host
            let state: ModelMemory<Int> = legacy
                ? try device.devres.alloc(0, name: "devm_kzalloc(vub300)")  // freed at disconnect
                : try host.objectResources.alloc(0, name: "host private")     // freed at the host's last put
            try host.get()  // the URB in flight holds the host
            pending.withLock { $0 = { _ = try? state.write { $0 += 1 }; try? host.put() } }
            try device.devres.addAction(ActionKey("mmc_free_host", data: host)) { try? host.put() }
        }
    }

    /// The completion arrives (after disconnect, in the bug).
    func completeURB() { pending.withLock { p in defer { p = nil }; return p }?() }
}
