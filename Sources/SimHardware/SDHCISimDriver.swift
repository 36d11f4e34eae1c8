import CharDev
import DriverCore
import Instrumentation
import Subsystems

/// `sdhci-sim`: an SD host controller with a card in its slot whose blocks (`blocks`
/// property, 512 bytes each, default 8) live in the driver's devres memory, as a real host's
/// DMA buffers and register cache do: a transfer that reached it after unbind would be a use
/// after free the sanitizer reports. It registers `/dev/mmcblk<N>` through the MMC core.
public final class SDHCISimDriver: DeviceDriver {
    public static let driverName = "sdhci-sim"
    public static let defaultBlocks = 8
    public let name = driverName
    public let idTable = ["sdhci-sim"]
    let mmc: MMCCore
    public init(mmc: MMCCore) { self.mmc = mmc }

    public func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        let blocks = Int((try? device.device.property("blocks")) ?? nil ?? "") ?? Self.defaultBlocks
        try ProbeError.mapping {
            let storage = try device.devres.alloc([[UInt8]](repeating: [UInt8](repeating: 0, count: 512), count: blocks),
                                                  name: "devm_kzalloc(sdhci card)")
            try mmc.addHost(SDHCISimOps(storage: storage, blocks: blocks), provider: device)
        }
    }
}

/// The `mmc_host_ops` of `sdhci-sim`.
final class SDHCISimOps: MMCHostOperations {
    let storage: ModelMemory<[[UInt8]]>
    let blocks: Int
    init(storage: ModelMemory<[[UInt8]]>, blocks: Int) {
        self.storage = storage
        self.blocks = blocks
    }

    func readBlock(_ index: Int) throws(FileError) -> [UInt8] {
        do { return try storage.write { $0[index] } } catch { throw FileError(.EIO, "\(error)") }
    }

    func writeBlock(_ index: Int, _ data: [UInt8]) throws(FileError) {
        do { try storage.write { $0[index] = data } } catch { throw FileError(.EIO, "\(error)") }
    }
}
