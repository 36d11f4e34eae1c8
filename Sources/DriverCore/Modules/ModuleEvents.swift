import Instrumentation

/// The event kinds of modules (kernel/module/main.c); the sanitizer keeps them in the
/// module's history. A module's misuse is raised as the kinds the sanitizer already
/// classifies: `ref.misuse` (`put`) for a put with no reference, `memory.useAfterFree` for code
/// run after the unload freed the text.
extension EventKind {
    /// The module's init function ran and it is live. Detail: `live`.
    public static let moduleLoad = EventKind("module.load")
    public static let moduleGet = EventKind("module.get")
    public static let modulePut = EventKind("module.put")
    /// `try_module_get` refused (the module is coming, going or gone). Detail: `state=…`.
    public static let moduleGetRefused = EventKind("module.getRefused")
    /// `delete_module` refused (`EWOULDBLOCK`: references held; `EBUSY`: not live).
    public static let moduleUnloadRefused = EventKind("module.unloadRefused")
    /// `delete_module` began: the module is going, its exit function runs next.
    public static let moduleGoing = EventKind("module.going")
    /// The module was freed (`free_module`): its text is gone.
    public static let moduleFree = EventKind("module.free")
}
