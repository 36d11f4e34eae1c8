/// The errno values the model returns where the kernel (or user space) would see one.
public enum Errno: Int32, Sendable, CustomStringConvertible, CaseIterable, Codable {
    case EPERM = 1, ENOENT = 2, EINTR = 4, EIO = 5, ENXIO = 6, EAGAIN = 11, ENOMEM = 12,
         EFAULT = 14, EBUSY = 16, EEXIST = 17, ENODEV = 19, EINVAL = 22, ENOTTY = 25,
         EPIPE = 32, ENOSYS = 38, ETIMEDOUT = 110, EPROBE_DEFER = 517

    /// The symbolic name, as `strerrorname_np` prints it ("ENODEV").
    public var name: String {
        switch self {
        case .EPERM: "EPERM"
        case .ENOENT: "ENOENT"
        case .EINTR: "EINTR"
        case .EIO: "EIO"
        case .ENXIO: "ENXIO"
        case .EAGAIN: "EAGAIN"
        case .ENOMEM: "ENOMEM"
        case .EFAULT: "EFAULT"
        case .EBUSY: "EBUSY"
        case .EEXIST: "EEXIST"
        case .ENODEV: "ENODEV"
        case .EINVAL: "EINVAL"
        case .ENOTTY: "ENOTTY"
        case .EPIPE: "EPIPE"
        case .ENOSYS: "ENOSYS"
        case .ETIMEDOUT: "ETIMEDOUT"
        case .EPROBE_DEFER: "EPROBE_DEFER"
        }
    }

    public var description: String { name }
}
