import CharDev
import DriverCore
import Instrumentation
import Revocable

/// What the sanitizer does with an event kind; looked up once per event.
enum EventAction {
    case lockAcquire, lockRelease
    case refMisuse, memoryMisuse, devresWrongDevice, revokeInsideAccess, fileAfterClose
    case deviceInitialize, get, put, deviceRelease
    case bind, unbind, probeResult
    /// A whole-list devres release begins (driver remove, device deletion).
    case teardown
    case devresAdd, devresRelease, devresRemove, devresGroupRemove
    case memoryAlloc, memoryFree
    case fileClose
    /// Only recorded in the history of an object already known.
    case historyOnly

    /// Kinds not listed are ignored.
    static let table = EventKindMap<EventAction>([
        .lockAcquire: .lockAcquire, .lockRelease: .lockRelease,
        .refMisuse: .refMisuse,
        .memoryUseAfterFree: .memoryMisuse, .memoryDoubleFree: .memoryMisuse, .memoryNullDereference: .memoryMisuse, .refUnheldPut: .memoryMisuse,
        .devresWrongDevice: .devresWrongDevice,
        .revocableRevokeInsideAccess: .revokeInsideAccess,
        .fileAfterClose: .fileAfterClose,
        .deviceInitialize: .deviceInitialize, .get: .get, .put: .put, .deviceRelease: .deviceRelease,
        .bind: .bind, .unbind: .unbind, .probeResult: .probeResult,
        .removeStart: .teardown, .deviceDel: .teardown,
        .devresAdd: .devresAdd, .devresRelease: .devresRelease,
        .devresRemove: .devresRemove, .devresDestroy: .devresRemove, .devresGroupRemove: .devresGroupRemove,
        .memoryAlloc: .memoryAlloc, .memoryFree: .memoryFree,
        .fileClose: .fileClose,
        .fileOpen: .historyOnly, .deviceAdd: .historyOnly, .probeStart: .historyOnly,
        .objectResourceAdd: .historyOnly, .objectResourceRelease: .historyOnly,
        .cdevRegister: .historyOnly, .cdevUnregister: .historyOnly,
        .revocableRevoke: .historyOnly, .revocableTeardown: .historyOnly,
        .fileNoDevice: .historyOnly, .warning: .historyOnly,
        // Modules, sysfs and debugfs: history only. Their misuses arrive as kinds classified
        // above: a module put with no reference is a `ref.misuse` (double put), code run after
        // an unload reads freed text (`memory.useAfterFree`), a removal from inside its own
        // callback is a revoke inside an access.
        .moduleLoad: .historyOnly, .moduleGet: .historyOnly, .modulePut: .historyOnly,
        .moduleGetRefused: .historyOnly, .moduleUnloadRefused: .historyOnly, .moduleGoing: .historyOnly,
        .moduleFree: .historyOnly,
        .sysfsAdd: .historyOnly, .sysfsRemove: .historyOnly, .sysfsNoDevice: .historyOnly,
        .debugfsCreate: .historyOnly, .debugfsRemove: .historyOnly, .debugfsRemoved: .historyOnly,
    ])
}
