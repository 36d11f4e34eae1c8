import CharDev
import DriverCore
import Instrumentation
import Subsystems

/// `sim-capture`: a camera registered with the V4L2 core as `/dev/videoN` (and its media
/// controller as `/dev/mediaN`), after drivers/media/usb/uvc. Its sensor registers are devres
/// memory: a register read after the unbind is a use after free the sanitizer reports, so a
/// clean run proves the core's fence kept every call out — what the registered-bit check at
/// syscall entry cannot guarantee (the uvcvideo and em28xx disconnect races). The frame
/// counter, reached by the release callbacks, lives in the `v4l2_device`'s object-lifetime
/// resources.
///
/// The brightness control's value comes from the device's `brightness` property (default 128).
public final class SimCaptureDriver: DeviceDriver {
    public static let driverName = "sim-capture"
    /// `V4L2_CID_BRIGHTNESS`.
    public static let brightnessControl: UInt32 = 0x0098_0900
    public let name = driverName
    public let idTable = ["sim-capture"]
    let v4l2: V4L2Core

    public init(v4l2: V4L2Core) { self.v4l2 = v4l2 }

    public func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        let brightness = Int32(((try? device.device.property("brightness")) ?? nil) ?? "") ?? 128
        let deviceName = device.device.name
        try ProbeError.mapping {
            let registers = try device.devres.alloc(SensorRegisters(brightness: brightness), name: "devm_ioremap(sensor)")
            let v4l2dev = try v4l2.registerV4L2Device(name: deviceName, provider: device)
            let frames = try v4l2dev.resources.alloc(0, name: "kzalloc(stream)")
            try v4l2.registerVideoDevice(v4l2dev, operations: SimCaptureOps(registers: registers), provider: device) {
                // vdev->release: the stream state is still there (it goes with the v4l2_device).
                _ = try? frames.write { $0 += 0 }
            }
            try v4l2.registerMediaDevnode(model: "Simulated camera", driverName: Self.driverName, provider: device)
        }
    }
}

/// The sensor's registers (what `devm_ioremap` maps).
struct SensorRegisters: Sendable {
    var brightness: Int32
    var reads = 0
}

/// The capture node's `v4l2_ioctl_ops` and frame source.
final class SimCaptureOps: VideoDeviceOps {
    let registers: ModelMemory<SensorRegisters>
    init(registers: ModelMemory<SensorRegisters>) { self.registers = registers }

    var driverName: String { SimCaptureDriver.driverName }
    var cardName: String { "Simulated camera" }

    func getControl(_ id: UInt32) throws(FileError) -> Int32 {
        guard id == SimCaptureDriver.brightnessControl else { throw FileError(.EINVAL, "control 0x\(String(id, radix: 16))") }
        do {
            return try registers.write { r -> Int32 in
                r.reads += 1
                return r.brightness
            }
        } catch {
            throw FileError(.EIO, "\(error)")
        }
    }

    /// No frames are ever captured: a reader sleeps until the unbind wakes it.
    func dequeueFrame() throws(FileError) -> [UInt8]? {
        do { _ = try registers.get() } catch { throw FileError(.EIO, "\(error)") }
        return nil
    }
}
