import CharDev
import Instrumentation
import SimHardware
import Subsystems

/// One reader round on one device of the subsystems (GPIO, I2C, SPI, watchdog, misc, tty, MMC,
/// net, USB gadget, DRM, V4L2) or the torture device: open its node, make the calls a program
/// would, close — or, for the
/// torture device, in-kernel consumer accesses and a file read.
/// Returns "OK" or the errno name of the first call that failed.
enum Reader {
    /// What a device that vanished under a program may answer; anything else is a failure.
    /// `EIO (hung up)` is a tty's answer once its port was hung up (`hung_up_tty_write`),
    /// `EIO (removed disk)` an MMC disk's once its host was removed (the dying queue).
    /// ENXIO and ENETDOWN: a packet send on an interface unregistered or going.
    static let acceptable: Set<String> = ["OK", "ENODEV", "ENOENT", hungUp, removedDisk, "ENXIO", "ENETDOWN"]
    static let hungUp = "EIO (hung up)"
    static let removedDisk = "EIO (removed disk)"

    static func round(_ board: TortureBoard, reader: Int, rng: inout SplitMix64) -> String {
        let choices = board.echo ? 13 : 12
        // With the cdev control on, every other round goes to its device (the `default:`
        // case): more subsystems on the board must not dilute the run that should fail.
        let pick = board.echo && rng.next() % 2 == 0 ? choices - 1 : Int(rng.next() % UInt64(choices))
        do throws(FileError) {
            switch pick {
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
                // A byte through the loopback UART; once hung up, read is 0 bytes and the rest EIO.
                let file = try board.sim.dev.open("/dev/ttyS0", nonblocking: true)
                defer { try? file.close() }
                do throws(FileError) {
                    _ = try file.write([UInt8(reader & 0xff)])
                    _ = try file.ioctl(TiocmGet())
                } catch where error.errno == .EIO {
                    return hungUp
                }
                _ = file.poll()
                do throws(FileError) { _ = try file.read(maxBytes: 1) } catch where error.errno == .EAGAIN {}
            case 7:
                // A block written and read back on the SD card; once removed, I/O is EIO.
                let file = try board.sim.dev.open("/dev/mmcblk0")
                defer { try? file.close() }
                do throws(FileError) {
                    _ = try file.write([UInt8(reader & 0xff)])
                    _ = try file.read(maxBytes: 1)
                } catch where error.errno == .EIO {
                    return removedDisk
                }
                _ = try file.ioctl(MmcIocSendStatus())
            case 8:
                // A network daemon: eth0 up through a socket, a frame on a bound packet socket.
                let socket = try board.net.socket(bindTo: "eth0")
                defer { try? socket.close() }
                try socket.ioctl(SiocSIFFlags(ifname: "eth0", up: true))
                _ = try socket.write([UInt8(reader & 0xff)])
                _ = socket.poll()
            case 9:
                // A HID gadget daemon: an input report, the host's output report read back.
                let file = try board.sim.dev.open("/dev/hidg0", nonblocking: true)
                defer { try? file.close() }
                _ = try file.write([UInt8(reader & 0xff)])
                board.hid.hostSends([1])
                _ = file.poll()
                do throws(FileError) { _ = try file.read(maxBytes: 8) } catch where error.errno == .EAGAIN {}
            case 10:
                // A compositor asking for the connector, and the HDMI hot-plug interrupt
                // re-detecting it inside drm_dev_enter.
                let file = try board.sim.dev.open("/dev/dri/card0")
                defer { try? file.close() }
                _ = try file.ioctl(DrmIoctlModeGetConnector())
                if let hdmi = board.sim.kernel.device(named: "hdmi.0") { board.drm.hotplugInterrupt(on: hdmi) }
            case 11:
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
