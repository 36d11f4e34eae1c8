import CharDev
import DriverCore
import Instrumentation

/// The MMC core (drivers/mmc/core/host.c, bus.c, block.c): hosts numbered by `mmc_host_ida`,
/// each with the card in its slot and that card's block device.
///
/// ``addHost(_:provider:fileID:line:)`` is a driver's `devm_mmc_alloc_host` + `mmc_add_host`:
/// the class device is initialised, the card is found (`mmc_rescan`) and added under it, and
/// the disk is published last. At the provider's unbind a devres action runs
/// `mmc_remove_host` — the disk goes (`del_gendisk`: no new opens; its fence is revoked,
/// waiting only for I/O in flight), then the card, then the class device — and
/// `mmc_free_host`, which drops the host's registration reference: the host is freed when the
/// last open of its disk is closed (each open holds the disk, the disk its card, the card its
/// host), never while user space still holds it, and the unbind never waits for user space.
///
/// Thread-safe.
public final class MMCCore: Sendable {
    public let namespace: DevNamespace
    /// `mmc_host_ida`: numbers, lookups, removals.
    let registry: SubsystemRegistry<MMCHost>

    public init(namespace: DevNamespace) {
        self.namespace = namespace
        registry = SubsystemRegistry(kind: "mmc host", events: namespace.kernel.events)
    }

    /// Registered hosts, by index.
    public var hosts: [MMCHost] { registry.objects }

    /// Allocates, adds and publishes a host driven by `ops` for the bound `provider`; removal
    /// and free are arranged at its unbind.
    ///
    /// - Throws: `DriverCoreError.registrationFailed` with the errno of what failed; nothing
    ///   stays registered then.
    @discardableResult
    public func addHost(_ ops: any MMCHostOperations, provider: borrowing BoundDevice,
                        fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) -> MMCHost {
        let parent = provider.device
        let site = CallSite(fileID: fileID, line: line)
        return try registry.register(provider: provider, action: "mmc_remove_host", fileID: fileID, line: line,
                                     make: { [namespace] (index) throws(FileError) in
            let kernel = namespace.kernel
            let freed = Locked(false)
            // mmc_alloc_host: the class device, whose release (mmc_host_classdev_release) frees the host.
            let classDevice = Device(kernel: kernel, name: "mmc\(index)", parent: parent) { _ in freed.withLock { $0 = true } }
            do throws(DriverCoreError) {
                try kernel.add(classDevice, fileID: fileID, line: line)  // mmc_add_host
            } catch {
                try? classDevice.put(fileID: fileID, line: line)
                throw FileError(error.errno, "mmc_add_host(mmc\(index)): \(error)")
            }
            // mmc_rescan finds the card: a child of the host, which it pins.
            let card = Device(kernel: kernel, name: "mmc\(index):\(MMCCard.rca)", parent: classDevice) { _ in }
            do throws(DriverCoreError) {
                try kernel.add(card, fileID: fileID, line: line)
            } catch {
                try? card.put(fileID: fileID, line: line)
                try? kernel.delete(classDevice, fileID: fileID, line: line)
                try? classDevice.put(fileID: fileID, line: line)
                throw FileError(error.errno, "mmc_add_card(mmc\(index)): \(error)")
            }
            let disk: CharDevice
            do throws(FileError) {
                disk = try CharDevice.prepare(name: "mmcblk\(index)", parent: card, namespace: namespace,
                                              operations: MMCBlockOperations(ops: ops), gone: .removedDisk,
                                              fileID: fileID, line: line)
            } catch {
                Self.removeCard(card, classDevice, site: site)
                throw error
            }
            return (MMCHost(index: index, classDevice: classDevice, card: card, disk: disk, freed: freed), [disk])
        }, remove: { [self] host in
            removeHost(host, site: site)
        })
    }

    /// `mmc_remove_host` + `mmc_free_host`: the disk (revoked: waits for I/O in flight only),
    /// the card, the class device, then the registration's reference on it.
    func removeHost(_ host: MMCHost, site: CallSite) {
        registry.remove(host, fileID: site.fileID, line: site.line) {
            host.disk.unregister(fileID: site.fileID, line: site.line)
            Self.removeCard(host.card, host.classDevice, site: site)
        }
    }

    /// `mmc_remove_card` and `device_del(&host->class_dev)`, then `mmc_free_host`'s put.
    static func removeCard(_ card: Device, _ classDevice: Device, site: CallSite) {
        let kernel = card.kernel
        if card.state.isPresent { try? kernel.delete(card, fileID: site.fileID, line: site.line) }
        try? card.put(fileID: site.fileID, line: site.line)
        if classDevice.state.isPresent { try? kernel.delete(classDevice, fileID: site.fileID, line: site.line) }
        try? classDevice.put(fileID: site.fileID, line: site.line)
    }
}
