import CharDev
import DriverCore
import Instrumentation

/// The SPI core with spidev: registers controllers and a `/dev/spidevB.C` node per chip
/// select, and removes them when the provider unbinds.
///
/// Removal is the CharDev protocol on every node: unpublish, revoke (waits only for messages
/// in flight — a transfer that started finishes before unbind continues, one that did not
/// start gets ENODEV), wake, drop the registration reference. Never waits for open files.
/// Thread-safe.
public final class SPICore: Sendable {
    public let namespace: DevNamespace
    /// The bus-number IDA and the controller list.
    let registry: SubsystemRegistry<SPIController>

    public init(namespace: DevNamespace) {
        self.namespace = namespace
        registry = SubsystemRegistry(kind: "spi controller", events: namespace.kernel.events)
    }

    /// Registered controllers, by bus number.
    public var controllers: [SPIController] { registry.objects }

    /// The registered controller with `busNumber`, if any (a snapshot).
    public func controller(busNumber: Int) -> SPIController? { registry.object(number: busNumber) }

    /// `devm_spi_register_controller` plus spidev: registers `ops` for the bound `provider`,
    /// creates one spidev node per chip select (all wired before any is published) and
    /// arranges through a devres action that they are removed at the provider's unbind.
    ///
    /// - Throws: `DriverCoreError.registrationFailed` with the
    ///   errno of what failed (EINVAL for a controller with no chip selects); nothing stays
    ///   registered then.
    /// - Cost: one device add and publish per chip select. May block on the table and devfs
    ///   locks only.
    @discardableResult
    public func addController(_ ops: any SPIControllerOps, provider: borrowing BoundDevice,
                              fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) -> SPIController {
        let parent = provider.device
        return try registry.register(provider: provider, action: "spi_unregister_controller", fileID: fileID, line: line,
                                     make: { [namespace] (number) throws(FileError) in
            guard ops.chipSelects > 0, ops.chipSelects <= 16, ops.maxSpeedHz > 0 else {
                throw FileError(.EINVAL, "SPI controller with \(ops.chipSelects) chip selects, \(ops.maxSpeedHz) Hz")
            }
            let busLock = Locked<UInt64>(0)
            var spidevs: [Spidev] = []
            do throws(FileError) {
                for cs in 0..<ops.chipSelects {
                    let settings = Locked(SPISettings(speedHz: ops.maxSpeedHz))
                    let cdev = try CharDevice.prepare(name: Spidev.name(bus: number, chipSelect: cs), parent: parent,
                                                      namespace: namespace,
                                                      operations: SpidevOps(ops: ops, chipSelect: cs, settings: settings, busLock: busLock),
                                                      fileID: fileID, line: line)
                    spidevs.append(Spidev(busNumber: number, chipSelect: cs, cdev: cdev, settings: settings))
                }
            } catch {
                for spidev in spidevs.reversed() { spidev.cdev.unregister(fileID: fileID, line: line) }
                throw error
            }
            return (SPIController(busNumber: number, spidevs: spidevs), spidevs.map(\.cdev))
        }, remove: { [self] controller in
            removeController(controller, site: CallSite(fileID: fileID, line: line))
        })
    }

    /// `spi_unregister_controller`: numbs every node (no message reaches the driver any more),
    /// wakes sleepers, removes the nodes, frees the number. Returns once messages in flight
    /// finished; never waits for open files.
    func removeController(_ controller: SPIController, site: CallSite) {
        registry.remove(controller, fileID: site.fileID, line: site.line) {
            for spidev in controller.spidevs { spidev.cdev.unregister(fileID: site.fileID, line: site.line) }
        }
    }
}
