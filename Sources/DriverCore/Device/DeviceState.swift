/// Where a device is in its two lifetimes.
///
/// Object lifetime: `initialized → added → … → deleted → released`. Bound lifetime, while
/// added: `probing → bound → unbinding → unbound`, any number of times. `released` is final:
/// every later use through the model API is a reported error.
public enum DeviceState: String, Sendable, Equatable, Codable, CustomStringConvertible {
    /// `device_initialize()` done: one reference held, not visible anywhere.
    case initialized
    /// `device_add()` done, never bound.
    case added
    case probing
    case bound
    case unbinding
    /// Was bound; the driver has gone. The object lives on and can be re-probed.
    case unbound
    /// `device_del()` done: invisible, unbound, its devres flushed; references may remain.
    case deleted
    /// The last reference was dropped and the release callback ran.
    case released

    public var description: String { rawValue }

    /// Added and not deleted: the device is on its bus and can bind.
    public var isPresent: Bool {
        switch self {
        case .added, .probing, .bound, .unbinding, .unbound: true
        case .initialized, .deleted, .released: false
        }
    }
}
