import CharDev
import DriverCore
import Instrumentation

/// The file operations of a described `fops` table, as CharDev calls them.
///
/// For a cdev registered without the fence, open takes a reference on the cdev
/// (`chrdev_open`'s `cdev_get`) and the file's release drops it after the driver's `release`
/// (`__fput`'s `cdev_put`): both touch the memory the cdev is embedded in. For a miscdevice,
/// open points `private_data` at it, as `misc_open` does, and nothing pins it.
final class DescribedFileOperations: FileOperations {
    let world: DescribedWorld
    let fops: FileOperationsSpec
    let cdev: Reference?
    let misc: Reference?
    let parent: Device?
    /// The module whose code these operations are (the registering driver's), if any.
    let module: Module?
    /// A tty's port (`tty->port`, the local `port` of every operation); once it is hung up the
    /// operations answer as `hung_up_tty_fops` do and only `release` reaches the steps.
    let ttyPort: Reference?

    init(world: DescribedWorld, fops: FileOperationsSpec, cdev: Reference?, misc: Reference?, parent: Device?, module: Module?,
         ttyPort: Reference? = nil) {
        self.world = world
        self.ttyPort = ttyPort
        self.fops = fops
        self.cdev = cdev
        self.misc = misc
        self.parent = parent
        self.module = module
    }

    /// `fops->owner`: set only when the description says `owner: true`.
    var owner: Module? { fops.owner ? module : nil }

    private var holdsCdev: Bool { cdev != nil && fops.protection == .none }

    /// The kind of the counted member a file holds: a `cdev`, or the `drm_device` or `struct
    /// device` of a DRM or video node, whose own release must run at the file's last put.
    private func countedKind(_ r: Reference) -> MemberKind { Interpreter(world: world).type(ofMember: r) ?? .cdev }

    private func frame(_ operation: String, _ file: FileContext) -> Frame {
        var locals: [String: Value] = [:]
        if let cdev { locals["inode"] = .reference(cdev) }
        if let ttyPort { locals["port"] = .reference(ttyPort) }
        return Frame(context: CallPath("\(fops.name).\(operation)"), device: parent, file: file, locals: locals)
    }

    private func run(_ operation: String, _ file: FileContext) throws(FileError) {
        var f = frame(operation, file)
        f.module = module
        let steps = fops.operations[operation] ?? []
        do {
            // The operations are the module's code: running them after it was unloaded is a
            // use after free of its text (reported by the module), not a run of the steps.
            if let module {
                let result = try module.execute("\(fops.name).\(operation)") { () -> DescribedError? in
                    do throws(DescribedError) { try Interpreter(world: world).runFunction(steps, &f) } catch { return error }
                    return nil
                }
                if let result { throw result }
            } else {
                try Interpreter(world: world).runFunction(steps, &f)
            }
        } catch let error as DescribedError {
            throw FileError(error.errno, error.description)
        } catch let error as DriverCoreError {
            throw FileError(error.errno, error.description)
        } catch {
            throw FileError(.EIO, "\(error)")
        }
    }

    func open(_ file: FileContext) throws(FileError) -> (any Sendable)? {
        if let misc { file.privateData = Value.reference(misc) }
        if let cdev, holdsCdev {
            let f = frame("open", file)
            let who = Provenance(f.context.calling("chrdev_open → cdev_get"), nil, location: fops.location, log: world.log)
            do {
                try Interpreter(world: world).refGet((cdev, countedKind(cdev)), holder: f.holder, who: who)
            } catch {
                throw FileError(error.errno, error.description)
            }
        }
        if let misc {
            try world.miscLock.withLock(site: .model) { () throws(FileError) in
                // misc_open finds the miscdevice in the list or fails: a deregistered one is gone.
                guard world.isRegistered(key: misc.memberKey) else { throw FileError(.ENODEV, "\(misc) was deregistered") }
                try run("open", file)
            }
        } else {
            try run("open", file)
        }
        return file.privateData
    }

    /// True once the tty's port was hung up (drivers/tty/tty_io.c `__tty_hangup`).
    private var hungUp: Bool { ttyPort.map { world.isHungUp(key: $0.memberKey) } ?? false }

    func read(_ file: FileContext, maxBytes: Int) throws(FileError) -> [UInt8]? {
        if hungUp { return [] }
        try run("read", file)
        return []
    }

    func write(_ file: FileContext, _ data: [UInt8]) throws(FileError) -> Int {
        if hungUp { throw FileError(.EIO, "write on \(file.node): hung up") }
        try run("write", file)
        return data.count
    }

    func ioctl(_ file: FileContext, _ request: any IoctlRequest) throws(FileError) -> any Sendable {
        if hungUp { throw FileError(.EIO, "ioctl on \(file.node): hung up") }
        try run("ioctl", file)
        return 0
    }

    func poll(_ file: FileContext) -> PollEvents {
        if hungUp { return GoneReplies.hungUp.poll }
        return (try? run("poll", file)).map { [.in, .out] } ?? [.err]
    }

    func release(_ file: FileContext) {
        try? run("release", file)
        guard let cdev, holdsCdev else { return }
        let f = frame("release", file)
        let who = Provenance(f.context.calling("__fput → cdev_put"), nil, location: fops.location, log: world.log)
        try? Interpreter(world: world).refPut((cdev, countedKind(cdev)), f, holder: f.holder, who: who)
    }
}
