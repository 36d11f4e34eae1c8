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
public final class SPICore: @unchecked Sendable {
    public let namespace: DevNamespace
    private let controllersByNumber = Locked<[Int: SPIController]>([:])
    private let reserved = Locked<Set<Int>>([])

    public init(namespace: DevNamespace) { self.namespace = namespace }

    /// Registered controllers, by bus number.
    public var controllers: [SPIController] { controllersByNumber.withLock { c in c.keys.sorted().compactMap { c[$0] } } }

    /// The registered controller with `busNumber`, if any.
    public func controller(busNumber: Int) -> SPIController? { controllersByNumber.withLock { $0[busNumber] } }

    /// `devm_spi_register_controller` plus spidev: registers `ops` for the bound `provider`,
    /// creates one spidev node per chip select (all wired before any is published, P10) and
    /// arranges through a devres action that they are removed at the provider's unbind.
    ///
    /// - Throws: if a device cannot be added or the devres action not registered (nothing
    ///   stays registered then), or EINVAL-like for a controller with no chip selects.
    /// - Cost: one device add and publish per chip select. May block on the devfs lock only.
    @discardableResult
    public func addController(_ ops: any SPIControllerOps, provider: borrowing BoundDevice,
                              fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) -> SPIController {
        let site = CallSite(fileID: fileID, line: line)
        guard ops.chipSelects > 0, ops.chipSelects <= 16, ops.maxSpeedHz > 0 else {
            throw DriverCoreError.invalidArgument("SPI controller with \(ops.chipSelects) chip selects, \(ops.maxSpeedHz) Hz", site: site)
        }
        let number = allocateNumber()
        defer { reserved.withLock { _ = $0.remove(number) } }
        let busLock = Locked<UInt64>(0)
        var spidevs: [Spidev] = []
        do {
            for cs in 0..<ops.chipSelects {
                let settings = Locked(SPISettings(speedHz: ops.maxSpeedHz))
                let cdev = try CharDevice.prepare(name: Spidev.name(bus: number, chipSelect: cs), parent: provider.device,
                                                  namespace: namespace,
                                                  operations: SpidevOps(ops: ops, chipSelect: cs, settings: settings, busLock: busLock),
                                                  fileID: fileID, line: line)
                spidevs.append(Spidev(busNumber: number, chipSelect: cs, cdev: cdev, settings: settings))
            }
            for spidev in spidevs { try spidev.cdev.publish(fileID: fileID, line: line) }
        } catch {
            for spidev in spidevs { spidev.cdev.unregister(fileID: fileID, line: line) }
            throw DriverCoreError.invalidArgument("SPI controller registration failed: \(error)", site: site)
        }
        let controller = SPIController(busNumber: number, spidevs: spidevs)
        controllersByNumber.withLock { $0[number] = controller }
        try provider.devres.addActionOrReset(ActionKey("spi_unregister_controller", data: controller), fileID: fileID, line: line) { [self] in
            self.removeController(controller, site: site)
        }
        return controller
    }

    private func allocateNumber() -> Int {
        controllersByNumber.withLock { c in
            reserved.withLock { r in
                var n = 0
                while c[n] != nil || r.contains(n) { n += 1 }
                r.insert(n)
                return n
            }
        }
    }

    /// `spi_unregister_controller`: numbs every node (no message reaches the driver any more),
    /// wakes sleepers, removes the nodes, frees the number. Returns once messages in flight
    /// finished; never waits for open files.
    func removeController(_ controller: SPIController, site: CallSite) {
        controllersByNumber.withLock { c in if c[controller.busNumber] === controller { c[controller.busNumber] = nil } }
        for spidev in controller.spidevs { spidev.cdev.unregister(fileID: site.fileID, line: site.line) }
    }
}
