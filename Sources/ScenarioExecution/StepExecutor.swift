import ScenarioModel
import CharDev
import DriverCore
import Instrumentation
import Subsystems

/// What a step did: an errno (nil on success), a value, poll bits.
public struct StepEffect: Sendable {
    public var errno: Errno?
    public var message: String?
    public var returns: ScenarioValue?
    public var revents: PollEvents?
}

/// What steps need from whoever schedules them: the run's file handles, sleeping, and the
/// `wait: {actor, blocked_in}` synchronisation. The threaded runner's state implements it;
/// an explorer that orders steps itself implements it with its own notion of "blocked".
public protocol StepEnvironment: AnyObject, Sendable {
    func handle(_ name: String) -> OpenFile?
    func setHandle(_ name: String, _ file: OpenFile)
    /// A `sleep` step (may end early when the run is stopped).
    func sleep(nanoseconds: UInt64)
    /// Returns once `actor` is blocked in its step labelled `label`: true, or false if it
    /// finished that step without blocking or the run was stopped.
    func waitBlocked(actor: String, label: String) -> Bool
}

/// Performs one action against the board, on the calling thread. Never throws: every
/// failure is an errno in the effect, the way a system call reports it. Reusable by any
/// scheduler (the threaded runner, the explorer): it knows nothing of threads.
public struct StepExecutor: Sendable {
    public let board: ScenarioBoard
    public let environment: any StepEnvironment
    /// In-kernel consumers' handles (GPIO descriptors, I2C clients), by their `as:` name.
    private let consumers = Locked<[String: Consumer]>([:])

    enum Consumer {
        case gpio(GpioDescriptor)
        case i2c(I2CClient)
    }

    public init(board: ScenarioBoard, environment: any StepEnvironment) {
        self.board = board
        self.environment = environment
    }

    private func consumer(_ name: String) throws(FileError) -> Consumer {
        guard let c = consumers.withLock({ $0[name] }) else { throw FileError(.EBADF, "no consumer handle '\(name)' (not taken yet)") }
        return c
    }

    private func descriptor(_ name: String) throws(FileError) -> GpioDescriptor {
        guard case .gpio(let d) = try consumer(name) else { throw FileError(.EINVAL, "'\(name)' is not a GPIO descriptor") }
        return d
    }

    private func client(_ name: String) throws(FileError) -> I2CClient {
        guard case .i2c(let c) = try consumer(name) else { throw FileError(.EINVAL, "'\(name)' is not an I2C client") }
        return c
    }

    /// Runs `step`. `markBlocked` is called when a timed poll is about to sleep (timed waits
    /// are not announced to execution controllers, see the runner).
    public func perform(_ step: StepSpec, markBlocked: () -> Void) -> StepEffect {
        do {
            return try run(step, markBlocked: markBlocked)
        } catch let e as FileError {
            return StepEffect(errno: e.errno, message: e.message)
        } catch let e as DriverCoreError {
            return StepEffect(errno: e.errno, message: e.message)
        } catch let e as ScenarioBoard.BoardError {
            return StepEffect(errno: .EIO, message: e.message)
        } catch {
            return StepEffect(errno: .EIO, message: "\(error)")
        }
    }

    private func file(_ name: String) throws(FileError) -> OpenFile {
        guard let f = environment.handle(name) else { throw FileError(.EBADF, "no open file '\(name)' (not opened yet)") }
        return f
    }

    private func device(_ name: String) throws(FileError) -> Device {
        guard let d = board.kernel.device(named: name) else { throw FileError(.ENODEV, "\(name): no such device") }
        return d
    }

    private func run(_ step: StepSpec, markBlocked: () -> Void) throws -> StepEffect {
        var effect = StepEffect()
        switch step.action {
        case .open(let path, let nb):
            let f = try board.sim.dev.open(path, nonblocking: nb)
            if let h = step.definedHandle { environment.setHandle(h, f) }
        case .requestLines(let name, let offsets, let consumer, let output, let edges):
            let request = GpioGetLineRequest(offsets: offsets, consumer: consumer, output: output, edgeDetection: edges)
            let f = try file(name).ioctl(request)
            environment.setHandle(step.handle ?? "\(name).lines", f)
        case .read(let name):
            let f = try file(name)
            if f.path.hasPrefix("anon_inode:gpio") {
                effect.returns = .int(try f.readEdgeEvents().count)  // GPIO line request: edge events
            } else {
                effect.returns = .list(try f.read(maxBytes: 16).map { .int(Int($0)) })  // bytes (i2c-dev, …)
            }
        case .poll(let name, let timeout):
            let f = try file(name)
            if let timeout, timeout > 0 {
                // Timed waits do not sleep under an execution controller, so the runner runs
                // this step without one: probe first, and a probe that finds nothing ready
                // means the poll is about to sleep (what `blocks:` and `wait:` need).
                let ready = f.poll([.in], timeout: 0)
                if !ready.isEmpty {
                    effect.revents = ready
                } else {
                    markBlocked()
                    effect.revents = f.poll([.in], timeout: timeout)
                }
            } else {
                effect.revents = f.poll([.in], timeout: timeout)
            }
        case .ioctl(let name, let request):
            effect.returns = try IoctlExecutor.perform(try file(name), request)
        case .write(let name, let data):
            effect.returns = .int(try file(name).write(Array(data.utf8)))
        case .close(let name):
            try file(name).close()
        case .sleep(let ns):
            environment.sleep(nanoseconds: ns)
        case .bind(let d, let driver):
            try board.kernel.bind(try device(d), to: driver)
        case .unbind(let d):
            try board.kernel.unbind(try device(d))
        case .driverOverride(let d, let driver):
            try board.kernel.setDriverOverride(try device(d), driver)
        case .unplug(let port):
            guard let d = board.takeUSBDevice(port) else { throw FileError(.ENODEV, "nothing plugged into \(port)") }
            try board.sim.usb.unplug(d)
        case .replug(let port):
            guard board.usbDevice(port) == nil else { throw FileError(.EBUSY, "\(port) is already plugged") }
            try board.plug(port)
        case .edge(let chip, let offset, let rising):
            let d = try device(chip)
            guard let gdev = try d.driverData(as: GpioDevice.self) else { throw FileError.noDevice(chip) }
            gdev.reportEdge(offset: offset, rising: rising)
        case .sysfsRead(let path):
            do { _ = try board.kernel.sysfs.read(path) } catch { throw FileError(error.errno, error.message) }
        case .sysfsWrite(let path, let data):
            do { _ = try board.kernel.sysfs.write(path, data) } catch { throw FileError(error.errno, error.message) }
        case .deleteModule(let name):
            try board.kernel.deleteModule(name)
        case .irq(let line):
            board.described?.raise(line: line)
        case .wait(let other, let label):
            guard environment.waitBlocked(actor: other, label: label) else {
                throw FileError(.ETIMEDOUT, "\(other) never blocked in '\(label)'")
            }
        case .gpiodGet(let chip, let offset, let who):
            let d = try board.sim.gpio.getDescriptor(chip: chip, offset: offset, consumer: who)
            consumers.withLock { $0[step.handle ?? chip] = .gpio(d) }
        case .gpiodSetValue(let name, let value):
            try descriptor(name).setValue(value)
        case .gpiodGetValue(let name):
            effect.returns = .int(try descriptor(name).getValue() ? 1 : 0)
        case .gpiodPut(let name):
            try descriptor(name).put()
        case .i2cNewClient(let adapter, let address, let who):
            guard (0...0x7f).contains(address) else { throw FileError(.EINVAL, "0x\(String(address, radix: 16)) is not a 7-bit address") }
            let c = try board.sim.i2c.newClient(adapter: adapter, address: UInt16(address), name: who)
            consumers.withLock { $0[step.handle ?? who] = .i2c(c) }
        case .i2cRead(let name, let count):
            effect.returns = .list(try client(name).read(count: count).map { .int(Int($0)) })
        case .i2cClientPut(let name):
            try client(name).put()
        case .socket(let bound):
            let f = try board.net.socket(bindTo: bound)
            if let h = step.handle { environment.setHandle(h, f) }
        }
        return effect
    }
}
