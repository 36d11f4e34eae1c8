import CharDev
import DriverCore
import Foundation
import Instrumentation

/// The negative control of `devmodel torture --broken cdev` (the kernel ships `rcu_busted` for
/// the same reason): a driver whose character device uses ``Protection/legacyUnfenced`` — the
/// pre-fix check-then-use pattern — with its state in devres memory. Under torture a call that
/// passed the check while an unbind freed the memory touches it afterwards: a use after free.
/// Teaching material; no real subsystem does this.
final class LegacyEchoDriver: DeviceDriver {
    let name = "legacy-echo"
    let idTable = ["legacy-echo"]
    let namespace: DevNamespace
    init(namespace: DevNamespace) { self.namespace = namespace }

    final class Ops: FileOperations {
        let memory: ModelMemory<Int>
        init(memory: ModelMemory<Int>) { self.memory = memory }
        func write(_ file: FileContext, _ data: [UInt8]) throws(FileError) -> Int {
            usleep(300)  // widen the window between the check and the use: a writer lands in it
            do { try memory.write { $0 &+= data.count } } catch { throw FileError(.EIO, "\(error)") }
            return data.count
        }
    }

    func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        let namespace = self.namespace
        try ProbeError.mapping {
            let memory = try device.devres.alloc(0, name: "devm_kzalloc(echo)")
            let cdev = try CharDevice.register(name: "legacy-echo0", parent: device.device, namespace: namespace,
                                               operations: Ops(memory: memory), protection: .legacyUnfenced)
            try device.devres.addActionOrReset(ActionKey("misc_deregister", data: cdev)) { cdev.unregister() }
        }
    }
}
