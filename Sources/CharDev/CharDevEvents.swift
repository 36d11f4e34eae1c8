import Instrumentation

extension EventKind {
    public static let cdevRegister = EventKind("cdev.register")
    public static let cdevUnregister = EventKind("cdev.unregister")
    public static let nodePublish = EventKind("node.publish")
    public static let nodeUnpublish = EventKind("node.unpublish")
    public static let fileOpen = EventKind("file.open")
    public static let fileClose = EventKind("file.close")
    /// A call on a file whose device is gone returned ENODEV (or HUP for poll).
    public static let fileNoDevice = EventKind("file.enodev")
    /// A call on a closed file (EBADF).
    public static let fileAfterClose = EventKind("file.afterClose")
    public static let fileWake = EventKind("file.wake")
}
