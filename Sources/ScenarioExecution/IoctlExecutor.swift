import ScenarioModel
import CharDev
import SimHardware
import Subsystems

/// Performs an ``IoctlSpec`` on an open file through the subsystem's typed uAPI request, and
/// renders the reply as a ``ScenarioValue`` for `returns:` expectations. A request the file's
/// subsystem does not know fails as the kernel's would (ENOTTY). Never blocks.
enum IoctlExecutor {
    static func perform(_ f: OpenFile, _ request: IoctlSpec) throws(FileError) -> ScenarioValue? {
        switch request {
        case .chipInfo:
            let info = try f.ioctl(GpioGetChipInfo())
            return .map(["name": .string(info.name), "label": .string(info.label), "lines": .int(info.lines)])
        case .lineInfo(let offset):
            let info = try f.ioctl(GpioGetLineInfo(offset: offset))
            return .map(["offset": .int(info.offset), "name": .string(info.name),
                         "consumer": .string(info.consumer ?? ""), "used": .bool(info.used)])
        case .getValues:
            return .list(try f.ioctl(GpioLineGetValues()).map { .int($0 ? 1 : 0) })
        case .setValues(let values):
            try f.ioctl(GpioLineSetValues(values))
            return nil
        case .i2cSlave(let address):
            try f.ioctl(I2CSetSlave(UInt16(clamping: address)))
            return nil
        case .spiMessage(let tx):
            let received = try f.ioctl(SpiIocMessage([SPITransfer(tx: tx)]))
            return bytes(received.first ?? [])
        case .spiReadMode:
            return .int(Int(try f.ioctl(SpiIocReadMode()).rawValue))
        case .spiWriteMode(let mode):
            try f.ioctl(SpiIocWriteMode(SPIMode(rawValue: mode)))
            return nil
        case .spiReadMaxSpeed:
            return .int(Int(try f.ioctl(SpiIocReadMaxSpeed())))
        case .spiWriteMaxSpeed(let hz):
            try f.ioctl(SpiIocWriteMaxSpeed(hz))
            return nil
        case .wdiocGetSupport:
            let info = try f.ioctl(WdiocGetSupport())
            return .map(["identity": .string(info.identity), "options": .int(Int(info.options.rawValue))])
        case .wdiocGetStatus:
            return .int(Int(try f.ioctl(WdiocGetStatus()).rawValue))
        case .wdiocKeepalive:
            try f.ioctl(WdiocKeepalive())
            return nil
        case .wdiocSetTimeout(let seconds):
            return .int(try f.ioctl(WdiocSetTimeout(seconds)))
        case .wdiocGetTimeout:
            return .int(try f.ioctl(WdiocGetTimeout()))
        case .fionread:
            return .int(try f.ioctl(MiscFionread()))
        case .tiocmget:
            return .int(try f.ioctl(TiocmGet()))
        case .tiocinq:
            return .int(try f.ioctl(TiocInq()))
        case .mmcSendStatus:
            return .int(Int(try f.ioctl(MmcIocSendStatus())))
        case .blkGetSize64:
            return .int(try f.ioctl(BlkGetSize64()))
        case .siocgifflags(let name):
            return .int(Int(try f.ioctl(SiocGIFFlags(ifname: name)).rawValue))
        case .siocsifflags(let name, let up):
            try f.ioctl(SiocSIFFlags(ifname: name, up: up))
            return nil
        case .siocgifindex(let name):
            return .int(try f.ioctl(SiocGIFIndex(ifname: name)))
        case .drmVersion:
            let version = try f.ioctl(DrmIoctlVersion())
            return .map(["name": .string(version.name), "desc": .string(version.description)])
        case .drmModeGetConnector:
            return .int(try f.ioctl(DrmIoctlModeGetConnector()) ? 1 : 0)
        case .vidiocQuerycap:
            let cap = try f.ioctl(VidiocQuerycap())
            return .map(["driver": .string(cap.driver), "card": .string(cap.card), "bus_info": .string(cap.busInfo)])
        case .vidiocGCtrl(let id):
            return .int(Int(try f.ioctl(VidiocGCtrl(id: UInt32(clamping: id)))))
        case .mediaIocDeviceInfo:
            let info = try f.ioctl(MediaIocDeviceInfo())
            return .map(["driver": .string(info.driver), "model": .string(info.model)])
        }
    }

    /// Bytes as a list of integers (what `returns: [0x9f, 0]` compares against).
    static func bytes(_ data: [UInt8]) -> ScenarioValue { .list(data.map { .int(Int($0)) }) }
}
