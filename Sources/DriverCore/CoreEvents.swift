import Instrumentation

/// The event kinds the driver core raises on ``Kernel/events``. Names follow the kernel's
/// vocabulary so that an event log reads like a `CONFIG_DEBUG_DEVRES` / driver-core trace.
extension EventKind {
    public static let deviceInitialize = EventKind("device.initialize")
    public static let deviceAdd = EventKind("device.add")
    public static let deviceDel = EventKind("device.del")
    public static let deviceRelease = EventKind("device.release")
    public static let get = EventKind("ref.get")
    public static let put = EventKind("ref.put")
    /// A use of a released object, refused. Detail: the refused operation alone (`get`,
    /// `put`, `bind`, `devres.alloc`, …), so observers need not parse messages.
    public static let refMisuse = EventKind("ref.misuse")
    /// A put by a holder that took no reference (lib/ref_tracker.c's report), raised where
    /// references are attributed to holders (described drivers).
    public static let refUnheldPut = EventKind("ref.unheldPut")

    public static let devresAdd = EventKind("devres.add")
    public static let devresRelease = EventKind("devres.release")
    public static let devresRemove = EventKind("devres.remove")
    public static let devresDestroy = EventKind("devres.destroy")
    public static let devresGroupOpen = EventKind("devres.group.open")
    public static let devresGroupClose = EventKind("devres.group.close")
    public static let devresGroupRemove = EventKind("devres.group.remove")
    public static let devresWrongDevice = EventKind("devres.wrongDevice")

    public static let objectResourceAdd = EventKind("objres.add")
    public static let objectResourceRelease = EventKind("objres.release")

    public static let memoryAlloc = EventKind("memory.alloc")
    public static let memoryFree = EventKind("memory.free")
    public static let memoryUseAfterFree = EventKind("memory.useAfterFree")
    public static let memoryDoubleFree = EventKind("memory.doubleFree")
    /// A NULL pointer followed (a described driver reading a pointer that remove() cleared).
    public static let memoryNullDereference = EventKind("memory.nullDereference")

    public static let probeStart = EventKind("probe.start")
    public static let probeResult = EventKind("probe.result")
    public static let probeDeferred = EventKind("probe.deferred")
    public static let bind = EventKind("driver.bind")
    public static let removeStart = EventKind("driver.remove")
    public static let unbind = EventKind("driver.unbind")
    public static let driverRegister = EventKind("driver.register")
    public static let driverUnregister = EventKind("driver.unregister")

    public static let linkAdd = EventKind("link.add")
    public static let linkRemove = EventKind("link.remove")
    public static let linkState = EventKind("link.state")

    public static let faultInjected = EventKind("fault.injected")
    /// A WARN / dev_err the kernel would print (resources present before probing, devres on
    /// the wrong device, a missing release…).
    public static let warning = EventKind("warning")
}
