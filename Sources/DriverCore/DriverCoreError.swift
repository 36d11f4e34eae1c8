import Instrumentation

/// Every misuse of the driver-core API is reported as one of these, never as a crash:
/// what was attempted, on which object, and where the caller was.
///
/// The state of the model is unchanged by a call that throws one of these (except where a
/// case says otherwise), so a caller can report it and go on.
public enum DriverCoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Two errors are equal when they report the same misuse of the same object, wherever
    /// it happened: tests compare what went wrong; the site is for the human reading it.
    public static func == (a: DriverCoreError, b: DriverCoreError) -> Bool { a.message == b.message }

    /// `operation` was attempted on a device whose last reference was already dropped.
    case useAfterRelease(device: String, operation: String, site: CallSite)
    /// The operation is not valid in the device's current lifecycle state.
    case invalidState(device: String, operation: String, state: DeviceState, site: CallSite)
    /// The kernel's "does not have a release() function, it is broken and must be fixed" rule
    /// (drivers/base/core.c, device_release): we refuse registration instead of warning later.
    case missingRelease(device: String, site: CallSite)
    case alreadyRegistered(kind: String, name: String, site: CallSite)
    case unknown(kind: String, name: String, site: CallSite)
    case alreadyBound(device: String, driver: String, site: CallSite)
    case notBound(device: String, site: CallSite)
    /// The driver set `suppress_bind_attrs`: the sysfs bind/unbind files do not exist.
    case bindAttributesSuppressed(driver: String, site: CallSite)
    case noMatch(device: String, driver: String, site: CallSite)
    /// The probe failed (or deferred); `errno` is what really_probe would return.
    case probeFailed(device: String, driver: String, errno: Errno, reason: String)
    /// A devres / object-resource lookup found nothing (-ENOENT, and a WARN in the kernel).
    case resourceNotFound(device: String, resource: String, site: CallSite)
    case groupNotFound(device: String, group: String, site: CallSite)
    case resourceExists(device: String, resource: String, site: CallSite)
    /// An injected (or modelled) allocation failure (-ENOMEM).
    case outOfMemory(device: String, what: String, site: CallSite)
    /// A bound-only API was used with a proof of binding from an epoch that has ended.
    case staleBinding(device: String, operation: String, site: CallSite)
    /// Memory (a devm/drmm allocation or an object container) used after it was freed.
    case useAfterFree(memory: String, operation: String, freedAt: CallSite, site: CallSite)
    case doubleFree(memory: String, freedAt: CallSite, site: CallSite)
    case linkCycle(supplier: String, consumer: String, site: CallSite)
    case invalidArgument(String, site: CallSite)
    /// A subsystem registration (`misc_register`, `i2c_add_adapter`, …) failed; `errno` is
    /// what failed inside it (EBUSY, EEXIST, ENOMEM, ENOSPC), as the kernel function returns.
    case registrationFailed(what: String, errno: Errno, reason: String, site: CallSite)
    /// `delete_module` refused: EWOULDBLOCK while references are held, EBUSY when the module
    /// is not live or cannot be unloaded.
    case moduleBusy(module: String, errno: Errno, reason: String, site: CallSite)

    public var errno: Errno {
        switch self {
        case .useAfterRelease, .notBound, .staleBinding, .useAfterFree, .doubleFree: .ENODEV
        case .invalidState, .alreadyBound: .EBUSY
        case .missingRelease, .invalidArgument, .linkCycle: .EINVAL
        case .alreadyRegistered, .resourceExists: .EEXIST
        case .unknown, .resourceNotFound, .groupNotFound: .ENOENT
        case .bindAttributesSuppressed: .EPERM
        case .noMatch: .ENODEV
        case .probeFailed(_, _, let e, _), .registrationFailed(_, let e, _, _), .moduleBusy(_, let e, _, _): e
        case .outOfMemory: .ENOMEM
        }
    }

    /// Where the misuse happened, when the error records it.
    public var site: CallSite? {
        switch self {
        case let .useAfterRelease(_, _, s), let .invalidState(_, _, _, s), let .missingRelease(_, s),
             let .alreadyRegistered(_, _, s), let .unknown(_, _, s), let .alreadyBound(_, _, s), let .notBound(_, s),
             let .bindAttributesSuppressed(_, s), let .noMatch(_, _, s), let .resourceNotFound(_, _, s),
             let .groupNotFound(_, _, s), let .resourceExists(_, _, s), let .outOfMemory(_, _, s),
             let .staleBinding(_, _, s), let .useAfterFree(_, _, _, s), let .doubleFree(_, _, s),
             let .linkCycle(_, _, s), let .invalidArgument(_, s), let .registrationFailed(_, _, _, s),
             let .moduleBusy(_, _, _, s):
            s
        case .probeFailed: nil
        }
    }

    public var description: String { site.map { "\($0): \(message)" } ?? message }

    /// What went wrong, without the call site.
    public var message: String {
        switch self {
        case let .useAfterRelease(d, op, _): "\(op) on device '\(d)' after its release"
        case let .invalidState(d, op, st, _): "cannot \(op) device '\(d)' in state \(st)"
        case let .missingRelease(d, _):
            "device '\(d)' does not have a release() function, it is broken and must be fixed"
        case let .alreadyRegistered(k, n, _): "\(k) '\(n)' is already registered"
        case let .unknown(k, n, _): "no \(k) named '\(n)'"
        case let .alreadyBound(d, drv, _): "device '\(d)' is already bound to '\(drv)'"
        case let .notBound(d, _): "device '\(d)' is not bound to a driver"
        case let .bindAttributesSuppressed(drv, _): "driver '\(drv)' suppresses bind/unbind attributes"
        case let .noMatch(d, drv, _): "driver '\(drv)' does not match device '\(d)'"
        case let .probeFailed(d, drv, e, r): "probe of '\(d)' by '\(drv)' failed with \(e): \(r)"
        case let .resourceNotFound(d, r, _): "no managed resource '\(r)' on '\(d)'"
        case let .groupNotFound(d, g, _): "no devres group \(g) on '\(d)'"
        case let .resourceExists(d, r, _): "managed resource '\(r)' already exists on '\(d)'"
        case let .outOfMemory(d, w, _): "allocation of \(w) for '\(d)' failed (ENOMEM)"
        case let .staleBinding(d, op, _): "\(op) with a bound-device proof of '\(d)' from an ended binding"
        case let .useAfterFree(m, op, f, _): "\(op) of \(m) after it was freed at \(f)"
        case let .doubleFree(m, f, _): "\(m) freed twice (first at \(f))"
        case let .linkCycle(sup, con, _): "link \(sup) -> \(con) would create a dependency cycle"
        case let .invalidArgument(m, _): "\(m)"
        case let .registrationFailed(w, e, r, _): "\(w) failed with \(e): \(r)"
        case let .moduleBusy(m, e, r, _): "delete_module(\(m)) failed with \(e): \(r)"
        }
    }
}
