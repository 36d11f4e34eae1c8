import CharDev
import DriverCore
import Instrumentation

/// The file operations of a node whose core tests a flag at the entry of some calls and
/// refuses them once it is set (or clear): DRM's `drm_ioctl` testing `drm_dev_is_unplugged`
/// (drivers/gpu/drm/drm_ioctl.c), V4L2's `v4l2_ioctl`/`v4l2_read`/… testing
/// `video_is_registered` (drivers/media/v4l2-core/v4l2-dev.c), the media devnode's
/// `MEDIA_FLAG_REGISTERED` (drivers/media/mc/mc-devnode.c). The test is the kernel's: made once,
/// before the call, with nothing keeping the unregistration from completing while the
/// driver's handler runs. `release` is never refused (the file's reference must be dropped).
/// The flag lives in the memory of the struct that embeds the object, so testing it after that
/// struct was freed is a use after free, as in C.
final class DescribedCheckedFileOperations: FileOperations {
    let inner: DescribedFileOperations
    let flag: Reference
    let key: String
    /// The flag's value that refuses a call (true: `unplugged` set; false: `registered` clear).
    let refusedWhen: Bool
    let check: String
    let checked: Set<String>
    let errno: Errno

    init(_ inner: DescribedFileOperations, flag: Reference, key: String, set refusedWhen: Bool, check: String,
         checked: Set<String>, errno: Errno) {
        self.inner = inner
        self.flag = flag
        self.key = key
        self.refusedWhen = refusedWhen
        self.check = check
        self.checked = checked
        self.errno = errno
    }

    var owner: Module? { inner.owner }

    /// The core's entry test for `operation`: throws `errno` when the call is refused.
    private func enter(_ operation: String, _ file: FileContext) throws(FileError) {
        guard checked.contains(operation) else { return }
        let who = Provenance(CallPath("\(inner.fops.name).\(operation) → \(check)"), nil, location: inner.fops.location,
                             log: inner.world.log)
        let set: Bool
        do {
            set = try flag.object.access("\(check) \(flag.key)", by: who) { s throws(DescribedError) -> Bool in
                !(s.values[key]?.isZero ?? true)
            }
        } catch {
            throw FileError(error.errno, error.description)
        }
        if set == refusedWhen { throw FileError(errno, "\(check) refused \(operation) on \(file.node)") }
    }

    func open(_ file: FileContext) throws(FileError) -> (any Sendable)? {
        try enter("open", file)
        return try inner.open(file)
    }
    func read(_ file: FileContext, maxBytes: Int) throws(FileError) -> [UInt8]? {
        try enter("read", file)
        return try inner.read(file, maxBytes: maxBytes)
    }
    func write(_ file: FileContext, _ data: [UInt8]) throws(FileError) -> Int {
        try enter("write", file)
        return try inner.write(file, data)
    }
    func ioctl(_ file: FileContext, _ request: any IoctlRequest) throws(FileError) -> any Sendable {
        try enter("ioctl", file)
        return try inner.ioctl(file, request)
    }
    func poll(_ file: FileContext) -> PollEvents {
        do { try enter("poll", file) } catch { return [.err, .hup] }
        return inner.poll(file)
    }
    func release(_ file: FileContext) { inner.release(file) }
}

extension Interpreter {
    /// Publishes `/dev/<node>` whose files reach `fops` through the core's entry test of
    /// `flag` in `object`'s memory (the reference passed as the fops' `cdev` is `object`: an
    /// open holds a reference on it, the release drops it). `protection: fence` puts the whole
    /// call inside the node's fence instead of only the test in front of it.
    func publishChecked(node: String, fops spec: FileOperationsSpec, object r: Reference, flag: String, refusedWhen: Bool,
                        check: String, checked: Set<String>, errno: Errno, what: String, _ frame: Frame) throws(DescribedError) {
        let operations = DescribedCheckedFileOperations(
            DescribedFileOperations(world: world, fops: spec, cdev: r, misc: nil, parent: frame.device, module: frame.module),
            flag: r, key: r.key + flag, set: refusedWhen, check: check, checked: checked, errno: errno)
        do {
            let registered = try CharDevice.register(name: node, parent: frame.device, namespace: world.namespace,
                                                     operations: operations,
                                                     protection: spec.protection == .fence ? .revocable : .legacyUnchecked)
            world.register(registered, key: r.memberKey)
        } catch {
            throw .errno(error.errno, "\(what)(/dev/\(node)): \(error.message)")
        }
    }
}
