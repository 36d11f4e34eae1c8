import CharDev
import DriverCore
import Instrumentation
import Subsystems

/// `sim-eth`: a simulated ethernet controller on a platform device, after the shape of a
/// simple platform NIC driver. Its MMIO window is devres memory of the device it probed, and
/// every `net_device_ops` call touches it, so an op that reached the driver after its unbind
/// would be a use after free the sanitizer reports: a clean run proves the net core's fence.
///
/// The device property `netdev-api` chooses the driver's style: `devm` (the default:
/// `devm_alloc_etherdev` + `devm_register_netdev`, net/devres.c) or `classic`
/// (`alloc_etherdev` + `register_netdev` in probe, `unregister_netdev` + `free_netdev` in remove).
public final class SimEthernetDriver: DeviceDriver {
    public static let driverName = BuiltinDrivers.simEth
    public let name = driverName
    public let idTable = ["sim-eth"]
    let net: NetCore
    public init(net: NetCore) { self.net = net }

    /// The driver's private data (`netdev_priv`): counters, freed with the net device.
    public struct Priv: Sendable {
        public var txPackets = 0
        public var opens = 0
    }

    public func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        let classic = ((try? device.device.property("netdev-api")) ?? nil) == "classic"
        try ProbeError.mapping {
            let mmio = try device.devres.alloc(0, name: "devm_ioremap(sim-eth)")
            if classic {
                let (dev, priv) = net.allocEtherdev(priv: Priv())
                do {
                    try net.register(dev, ops: SimEthernetOps(mmio: mmio, priv: priv), provider: device)
                } catch {
                    net.free(dev)
                    throw error
                }
                try device.setDriverData(dev)
            } else {
                let (dev, priv) = try net.devmAllocEtherdev(priv: Priv(), provider: device)
                try net.devmRegister(dev, ops: SimEthernetOps(mmio: mmio, priv: priv), provider: device)
            }
        }
    }

    /// The classic style's remove: unregister, then free (never the other way round).
    public func remove(_ device: borrowing BoundDevice) {
        guard let dev = (try? device.driverData(as: NetDevice.self)) ?? nil else { return }
        net.unregister(dev)
        net.free(dev)
    }
}

/// The `net_device_ops` of `sim-eth`: each call touches the MMIO window (devres memory) and
/// the priv counters (freed with the netdev).
final class SimEthernetOps: NetDeviceOps {
    let mmio: ModelMemory<Int>
    let priv: ModelMemory<SimEthernetDriver.Priv>
    init(mmio: ModelMemory<Int>, priv: ModelMemory<SimEthernetDriver.Priv>) {
        self.mmio = mmio
        self.priv = priv
    }

    private func touch(_ body: (inout SimEthernetDriver.Priv) -> Void) throws(FileError) {
        do {
            try mmio.write { $0 += 1 }
            try priv.write(body)
        } catch {
            throw FileError(.EIO, "\(error)")
        }
    }

    func open() throws(FileError) { try touch { $0.opens += 1 } }
    func stop() { try? touch { _ in } }
    func startXmit(_ frame: [UInt8]) throws(FileError) { try touch { $0.txPackets += 1 } }
}
