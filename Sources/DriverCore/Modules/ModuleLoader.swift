import Instrumentation

/// `init_module` / `delete_module` (kernel/module/main.c), against one kernel's module table.
extension Kernel {
    /// Loads a module: it is `coming` while `initialize` runs, `live` once it returned; if it
    /// throws, the module goes away again (its text freed, its name free) and the error is
    /// rethrown (`do_init_module`).
    ///
    /// - Parameters:
    ///   - name: unique among loaded modules (EEXIST otherwise, as `add_unformed_module`).
    ///   - fileID: the caller's file, for events and errors.
    ///   - line: the caller's line.
    ///   - initialize: the module's init function (registers its drivers, devices, files).
    ///   - exit: the module's exit function, run by ``deleteModule(_:fileID:line:)`` once no
    ///     reference is held; nil makes the module unloadable (`EBUSY`), as in the kernel.
    /// - Returns: the live module.
    /// - Cost: one table lock round trip plus the init function. Thread-safe.
    @discardableResult
    public func loadModule(_ name: String, fileID: StaticString = #fileID, line: UInt = #line,
                           initialize: () throws(DriverCoreError) -> Void = {},
                           exit: (@Sendable () -> Void)? = {}) throws(DriverCoreError) -> Module {
        let site = CallSite(fileID: fileID, line: line)
        let module = Module(name: name, events: events, site: site)
        try modules.withLock { (table: inout ModuleTable) throws(DriverCoreError) in
            guard table.byName[name] == nil else { throw DriverCoreError.alreadyRegistered(kind: "module", name: name, site: site) }
            table.byName[name] = module
            table.exits[name] = exit
        }
        do {
            try initialize()
        } catch {
            module.setState(.going)
            free(module, site: site)
            throw error
        }
        module.setState(.live)
        events.emit(.moduleLoad, object: module.id, name: name, detail: "live", site: site)
        return module
    }

    /// A driver module (`module_platform_driver` and kin): its init registers `drivers` on
    /// `bus` in order, its exit unregisters them newest first (which unbinds their devices).
    /// One code path for every module whose whole job is its drivers.
    @discardableResult
    public func loadModule(_ name: String, registering drivers: [any DeviceDriver], on bus: Bus,
                           fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) -> Module {
        try loadModule(name, fileID: fileID, line: line, initialize: { () throws(DriverCoreError) in
            for d in drivers { try registerDriver(d, on: bus, fileID: fileID, line: line) }
        }, exit: {
            for d in drivers.reversed() { try? self.unregisterDriver(d, on: bus) }
        })
    }

    /// The loaded module of that name, if any.
    public func module(named name: String) -> Module? { modules.withLock { $0.byName[name] } }

    /// The names of the loaded modules, sorted (what a tear-down unloads).
    public var loadedModules: [String] { modules.withLock { $0.byName.keys.sorted() } }

    /// `delete_module(2)` without `O_TRUNC` (no forced unload): refuses with `EWOULDBLOCK`
    /// while any reference is held (an open file of its file operations, a `try_module_get`),
    /// with `EBUSY` if it is not live or has no exit function; otherwise marks it going
    /// (``Module/tryGet(fileID:line:)`` fails from here on), runs its exit function, and
    /// frees it — its text is gone afterwards. Never waits for the holders (the kernel's
    /// blocking unload was removed in 3.13).
    /// - Throws: ENOENT (no such module), EWOULDBLOCK, EBUSY. Nothing changes on a throw.
    public func deleteModule(_ name: String, fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        let site = CallSite(fileID: fileID, line: line)
        guard let module = self.module(named: name) else { throw DriverCoreError.unknown(kind: "module", name: name, site: site) }
        // A scheduling point on the module: the explorer may run an open's try_module_get on
        // either side of the unload's attempt.
        Scheduling.point(.refPut(module.id, name: "module \(name) base"), site: site)
        // Under the table lock, as delete_module holds module_mutex: two unloads of one module
        // are serialised, and only one of them can find it live.
        let verdict = modules.withLock { t -> Result<@Sendable () -> Void, DriverCoreError> in
            let refuse = { (errno: Errno, reason: String) in
                Result<@Sendable () -> Void, DriverCoreError>.failure(.moduleBusy(module: name, errno: errno, reason: reason, site: site))
            }
            guard t.byName[name] === module else { return .failure(.unknown(kind: "module", name: name, site: site)) }
            guard module.state == .live else { return refuse(.EBUSY, "module is \(module.state)") }
            guard let exit = t.exits[name] ?? nil else { return refuse(.EBUSY, "module has no exit function") }
            // try_stop_module: drop the base reference; anything left means someone holds it.
            module.unloading.store(true, ordering: .releasing)
            let free = module.releaseBase()
            module.unloading.store(false, ordering: .releasing)
            guard free else { return refuse(.EWOULDBLOCK, "\(module.referenceCount) reference(s) held") }
            module.setState(.going)
            return .success(exit)
        }
        switch verdict {
        case .failure(let error):
            events.emit(.moduleUnloadRefused, object: module.id, name: name, detail: error.errno.name, site: site)
            throw error
        case .success(let exit):
            events.emit(.moduleGoing, object: module.id, name: name, site: site)
            exit()
            free(module, site: site)
        }
    }

    /// `free_module`: out of the table, the text freed.
    private func free(_ module: Module, site: CallSite) {
        modules.withLock { t in
            t.byName[module.name] = nil
            t.exits[module.name] = nil
        }
        module.setState(.unloaded)
        try? module.text.free(fileID: site.fileID, line: site.line)
        events.emit(.moduleFree, object: module.id, name: module.name, site: site)
    }
}

/// The kernel's module list (`modules`), guarded by `Kernel.modules`.
struct ModuleTable {
    var byName: [String: Module] = [:]
    /// Exit functions by module name: kept here, not on the module, so that a freed module
    /// (which reports may keep) holds no closure over the loader's world.
    var exits: [String: (@Sendable () -> Void)?] = [:]
}
