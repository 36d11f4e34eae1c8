import CharDev
import DriverCore
import Instrumentation
import Sanitizer
import Testing
@testable import ExplorerEngine

/// The races of sysfs attributes, debugfs files and module unload, explored: the design gives
/// no finding in any schedule, and a negative control of each (a driver or module that gets
/// the order wrong) is found with the right kind. Every schedule with ≤ 2 preemptions and
/// exhaustively.
@Suite struct SysfsDebugfsModuleExplorerTests {
    static func verdict(_ sanitizer: Sanitizer) -> Verdict {
        let kinds = Set(sanitizer.finish().map(\.kind.rawValue)).sorted()
        return Verdict(failures: kinds.map { "sanitizer: \($0)" }, outcome: kinds.joined(separator: ","))
    }

    static func kinds(_ r: ExplorationResult) -> Set<String> { Set(r.failures.flatMap(\.reasons)) }

    /// The design (`program(false)`) explores clean in more than one schedule; the negative
    /// control (`program(true)`) fails with exactly `expected`, reproducibly.
    static func expectCleanAndCaught(_ program: (Bool) -> ExplorationProgram, _ strategy: ExplorationStrategy,
                                     expected: String) {
        let fixed = Explorer(program: program(false)).explore(strategy: strategy)
        #expect(fixed.failures.isEmpty, "\(fixed.report)")
        #expect(fixed.executions > 1)
        let control = Explorer(program: program(true)).explore(strategy: strategy)
        #expect(kinds(control) == ["sanitizer: \(expected)"], "\(control.report)")
        #expect(control.failures.allSatisfy { $0.reproduced })
    }

    // MARK: sysfs store vs unbind

    /// A store that writes the driver's devres state. `wrongOrder`: the driver makes the group
    /// itself and its removal is a devm action registered *before* the state, so devres frees
    /// the state first and removes the group after — the window kernfs cannot close. Otherwise
    /// the group is the driver's `dev_groups`, removed by the core before remove().
    static func storeProgram(wrongOrder: Bool) -> ExplorationProgram {
        .custom(name: "sysfs-store-unbind-\(wrongOrder)", actors: ["writer", "admin"]) {
            let kernel = Kernel()
            let sanitizer = Sanitizer(attachingTo: kernel)
            let bus = Bus(name: "platform")
            try? kernel.registerBus(bus)
            let group = AttributeGroup(attributes: [DeviceAttribute("level", store: { dev, text throws(SysfsError) in
                guard let state = try? dev.driverData(as: ModelMemory<Int>.self) else { throw SysfsError(.ENODEV, "unbound") }
                // The driver works between finding its data and using it (an unbind could
                // run here if nothing kept it out).
                Scheduling.point(.step("store works"))
                _ = try? state.write { $0 = text.count }
                return text.count
            })])
            let driver = ClosureDriver(name: "lvl", idTable: ["lvl"], deviceGroups: wrongOrder ? [] : [group],
                                       probe: { dev throws(ProbeError) in
                try ProbeError.mapping {
                    if wrongOrder {
                        try dev.device.kernel.sysfs.createGroup(group, on: dev.device)
                        let device = dev.device
                        try dev.devres.addAction(ActionKey("sysfs_remove_group")) { device.kernel.sysfs.removeGroup(group, from: device) }
                    }
                    try dev.setDriverData(try dev.devres.alloc(0, name: "state"))
                }
            })
            try? kernel.registerDriver(driver, on: bus)
            let device = Device(kernel: kernel, name: "lvl.0", bus: bus, matchIDs: ["lvl"]) { _ in }
            try? kernel.register(device)
            return CustomExecution(actors: [
                { _ = try? kernel.sysfs.write("lvl.0/level", "3") },
                { try? kernel.unbind(device) },
            ], check: {
                try? kernel.unregister(device)
                return verdict(sanitizer)
            })
        }
    }

    @Test(arguments: BrokenCdevExplorerTests.strategies)
    func aStoreNeverOutlivesItsDriversData(_ strategy: ExplorationStrategy) {
        Self.expectCleanAndCaught({ Self.storeProgram(wrongOrder: $0) }, strategy, expected: "use-after-unbind")
    }

    // MARK: debugfs read vs remove

    final class StateOps: FileOperations {
        func read(_ file: FileContext, maxBytes: Int) throws(FileError) -> [UInt8]? {
            guard let state = file.privateData(as: ModelMemory<UInt8>.self) else { return nil }
            return (try? state.get()).map { [$0] }
        }
    }

    /// A reader of an open debugfs file races the driver's teardown: remove the file, then
    /// free its data (`freeFirst`: the other way round, the driver's bug).
    static func debugfsProgram(freeFirst: Bool) -> ExplorationProgram {
        .custom(name: "debugfs-read-remove-\(freeFirst)", actors: ["reader", "driver"]) {
            let kernel = Kernel()
            let sanitizer = Sanitizer(attachingTo: kernel)
            let debugfs = Debugfs(kernel: kernel)
            let state = ModelMemory<UInt8>(1, name: "driver state", events: kernel.events)
            let entry = try? debugfs.createFile("drv/state", data: state, operations: StateOps())
            let file = try? debugfs.open("drv/state")
            return CustomExecution(actors: [
                { _ = try? file?.read() },
                {
                    if freeFirst { try? state.free() }
                    if let entry { debugfs.remove(entry) }
                    if !freeFirst { try? state.free() }
                },
            ], check: {
                try? file?.close()
                return verdict(sanitizer)
            })
        }
    }

    @Test(arguments: BrokenCdevExplorerTests.strategies)
    func debugfsRemovalWaitsForTheReadInFlight(_ strategy: ExplorationStrategy) {
        Self.expectCleanAndCaught({ Self.debugfsProgram(freeFirst: $0) }, strategy, expected: "use-after-free")
    }

    // MARK: open vs delete_module

    final class ModuleOps: FileOperations {
        let module: Module
        let pins: Bool
        init(module: Module, pins: Bool) {
            self.module = module
            self.pins = pins
        }
        var owner: Module? { pins ? module : nil }
        func read(_ file: FileContext, maxBytes: Int) throws(FileError) -> [UInt8]? {
            do { return try module.execute("read") { [1] } } catch { throw FileError(.EFAULT, "\(error)") }
        }
    }

    /// A program opens, reads and closes the node of a module while root unloads it (the exit
    /// unregisters the node). The file is unfenced (the kernel's bare `f_op`), so only the
    /// module reference keeps the code there; `owner: false`: fops without `.owner`.
    static func moduleProgram(owner: Bool) -> ExplorationProgram {
        .custom(name: "open-rmmod-\(owner)", actors: ["user", "root"]) {
            let kernel = Kernel()
            let sanitizer = Sanitizer(attachingTo: kernel)
            let ns = DevNamespace(kernel: kernel)
            let node = Locked<CharDevice?>(nil)
            guard let module = try? kernel.loadModule("m", exit: { node.withLock { $0?.unregister() } }),
                  let cdev = try? CharDevice.register(name: "m0", parent: nil, namespace: ns,
                                                      operations: ModuleOps(module: module, pins: owner),
                                                      protection: .legacyUnchecked)
            else { return CustomExecution(actors: [], check: { Verdict(failures: ["setup"], outcome: "setup") }) }
            node.withLock { $0 = cdev }
            return CustomExecution(actors: [
                {
                    guard let file = try? ns.open("/dev/m0") else { return }
                    _ = try? file.read()
                    try? file.close()
                },
                { try? kernel.deleteModule("m") },
            ], check: {
                if kernel.module(named: "m") != nil { try? kernel.deleteModule("m") }
                return verdict(sanitizer)
            })
        }
    }

    @Test(arguments: BrokenCdevExplorerTests.strategies)
    func anOwnedModuleIsNeverUnloadedUnderAnOpenFile(_ strategy: ExplorationStrategy) {
        Self.expectCleanAndCaught({ Self.moduleProgram(owner: !$0) }, strategy, expected: "use-after-free")
    }
}

extension SysfsDebugfsModuleExplorerTests {
    /// Two `rmmod`s and a `try_module_get` race: the exit runs exactly once, the loser gets
    /// EBUSY or ENOENT (or EWOULDBLOCK while the holder holds), a holder that got in blocks the
    /// unload until its put, and nothing is reported.
    @Test func concurrentUnloadsRunTheExitOnce() {
        let program = ExplorationProgram.custom(name: "rmmod-rmmod-get", actors: ["root1", "root2", "user"]) {
            let kernel = Kernel()
            let sanitizer = Sanitizer(attachingTo: kernel)
            let exits = Locked(0)
            guard let module = try? kernel.loadModule("m", exit: { exits.withLock { $0 += 1 } }) else {
                return CustomExecution(actors: [], check: { Verdict(failures: ["setup"], outcome: "setup") })
            }
            let rmmod: @Sendable () -> Void = { try? kernel.deleteModule("m") }
            return CustomExecution(actors: [rmmod, rmmod, { if module.tryGet() { module.put() } }], check: {
                if kernel.module(named: "m") != nil { try? kernel.deleteModule("m") }
                var v = Self.verdict(sanitizer)
                let n = exits.withLock { $0 }
                if n != 1 { v.failures.append("exit ran \(n) times") }
                return v
            })
        }
        let r = Explorer(program: program).explore(strategy: .preemptionBounded(maxPreemptions: 2))
        #expect(r.failures.isEmpty, "\(r.report)")
        #expect(r.executions > 1)
    }
}
