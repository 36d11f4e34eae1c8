import CharDev
import Instrumentation
import SimHardware
import Subsystems

/// One reader round on one device of the subsystems (GPIO, I2C, SPI, watchdog, misc, DRM, V4L2) or
/// the torture device: open its node, make the calls a program would, close — or, for the
/// torture device, in-kernel consumer accesses and a file read.
/// Returns "OK" or the errno name of the first call that failed.
enum Reader {
    /// What a device that vanished under a program may answer; anything else is a failure.
    static let acceptable: Set<String> = ["OK", "ENODEV", "ENOENT"]

    static func round(_ board: TortureBoard, reader: Int, rng: inout SplitMix64) -> String {
        let choices = board.echo ? 9 : 8
        do throws(FileError) {
            switch Int(rng.next() % UInt64(choices)) {
            case 0:
                let chip = try board.sim.dev.open("/dev/gpiochip0")
                defer { try? chip.close() }
                let offset = reader % 8
                let req = try chip.ioctl(GpioGetLineRequest(offsets: [offset], consumer: "torture\(reader)", output: true))
                defer { try? req.close() }
                try req.ioctl(GpioLineSetValues([rng.next() & 1 == 1]))
                _ = try req.ioctl(GpioLineGetValues())
                _ = req.poll()
            case 1:
                let file = try board.sim.dev.open("/dev/i2c-0")
                defer { try? file.close() }
                try file.ioctl(I2CSetSlaveForce(0x50))
                _ = try file.write([UInt8(reader % 16), UInt8(truncatingIfNeeded: rng.next())])
                _ = try file.read(maxBytes: 1)
            case 2:
                let file = try board.sim.dev.open("/dev/spidev0.\(reader % 2)")
                defer { try? file.close() }
                _ = try file.ioctl(SpiIocMessage([SPITransfer(tx: [1, 2, 3])]))
            case 3:
                // In-kernel consumer accesses (mostly short, now and then a long one: the
                // rcutorture reader's random delays), then a program's read of the node.
                for _ in 0..<4 {
                    let work = rng.next() % 8 == 0 ? UInt32(rng.next() % 200) : UInt32(rng.next() % 20)
                    let outcome = board.generation.consumer.access(work: work)
                    if outcome != "OK" { return outcome }
                }
                let file = try board.sim.dev.open("/dev/torture-gen0")
                defer { try? file.close() }
                _ = try file.read(maxBytes: 8)
            case 4:
                // A watchdog daemon: one opener at a time (EBUSY otherwise), pings, magic close.
                let file = try board.sim.dev.open("/dev/watchdog0")
                defer { try? file.close() }
                try file.ioctl(WdiocKeepalive())
                _ = try file.write(Array("V".utf8))
            case 5:
                // A byte through the misc pipe; another reader may have taken it (EAGAIN).
                let file = try board.sim.dev.open("/dev/\(TortureBoard.pipeNode)", nonblocking: true)
                defer { try? file.close() }
                _ = try file.write([UInt8(reader & 0xff)])
                _ = file.poll()
                do throws(FileError) { _ = try file.read(maxBytes: 1) } catch where error.errno == .EAGAIN {}
            case 6:
                // A compositor asking for the connector, and the HDMI hot-plug interrupt
                // re-detecting it inside drm_dev_enter.
                let file = try board.sim.dev.open("/dev/dri/card0")
                defer { try? file.close() }
                _ = try file.ioctl(DrmIoctlModeGetConnector())
                if let hdmi = board.sim.kernel.device(named: "hdmi.0") { board.drm.hotplugInterrupt(on: hdmi) }
            case 7:
                // A camera application: capabilities, a control (a sensor register read), a
                // non-blocking frame read (none comes), and the media controller.
                let video = try board.sim.dev.open("/dev/video0", nonblocking: true)
                defer { try? video.close() }
                _ = try video.ioctl(VidiocGCtrl(id: SimCaptureDriver.brightnessControl))
                do throws(FileError) { _ = try video.read() } catch where error.errno == .EAGAIN {}
                let media = try board.sim.dev.open("/dev/media0")
                defer { try? media.close() }
                _ = try media.ioctl(MediaIocDeviceInfo())
            default:
                let file = try board.sim.dev.open("/dev/legacy-echo0")
                defer { try? file.close() }
                _ = try file.write([1, 2, 3])
            }
            return "OK"
        } catch {
            // Two readers on one GPIO line or one watchdog, or a line still held by a request
            // being closed.
            if error.errno == .EBUSY { return "OK" }
            return error.errno.name
        }
    }
}
