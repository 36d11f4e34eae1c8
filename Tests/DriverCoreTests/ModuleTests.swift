import Instrumentation
import Testing
@testable import DriverCore

/// Modules (kernel/module/main.c): references pin code, unload refuses while they exist,
/// code of an unloaded module is reported, never run.
@Suite struct ModuleTests {
    @Test func unloadRefusesWithEWOULDBLOCKWhileAReferenceIsHeld() throws {
        let t = TestKernel()
        let exited = Box(0)
        let module = try t.kernel.loadModule("mod_a", exit: { exited.value += 1 })
        #expect(module.state == .live)
        #expect(module.tryGet())
        #expect(module.referenceCount == 1)
        #expect(throws: DriverCoreError.moduleBusy(module: "mod_a", errno: .EWOULDBLOCK, reason: "1 reference(s) held", site: .model)) {
            try t.kernel.deleteModule("mod_a")
        }
        // Refusing changed nothing: still live, still gettable, the exit did not run.
        #expect(module.state == .live && exited.value == 0)
        #expect(module.tryGet())
        module.put()
        module.put()
        try t.kernel.deleteModule("mod_a")
        #expect(exited.value == 1)
        #expect(module.state == .unloaded)
        #expect(t.kernel.module(named: "mod_a") == nil)
        #expect(!module.tryGet())
        #expect(!t.recorder.events(.moduleGetRefused).isEmpty)
    }

    @Test func codeOfAnUnloadedModuleIsAUseAfterFreeNotARun() throws {
        let t = TestKernel()
        let module = try t.kernel.loadModule("mod_b")
        #expect(try module.execute("probe") { 1 } == 1)
        try t.kernel.deleteModule("mod_b")
        let ran = Box(false)
        #expect(throws: DriverCoreError.self) { try module.execute("read") { ran.value = true } }
        #expect(!ran.value)
        #expect(t.recorder.events(.memoryUseAfterFree).map(\.objectName) == ["module mod_b text"])
    }

    @Test func aPutWithNoReferenceIsReportedAndChangesNothing() throws {
        let t = TestKernel()
        let module = try t.kernel.loadModule("mod_c")
        module.put()
        #expect(t.recorder.events(.refMisuse).map(\.detail) == ["put"])
        // The loader's base reference survived the bad put: the unload still works.
        try t.kernel.deleteModule("mod_c")
        #expect(module.state == .unloaded)
    }

    @Test func aFailingInitLeavesNoModuleAndAModuleWithoutExitCannotBeUnloaded() throws {
        let t = TestKernel()
        #expect(throws: DriverCoreError.self) {
            try t.kernel.loadModule("mod_d", initialize: { () throws(DriverCoreError) in
                throw DriverCoreError.outOfMemory(device: "mod_d", what: "init", site: .model)
            })
        }
        #expect(t.kernel.module(named: "mod_d") == nil)
        let again = try t.kernel.loadModule("mod_d", exit: nil)
        #expect(throws: DriverCoreError.moduleBusy(module: "mod_d", errno: .EBUSY, reason: "module has no exit function", site: .model)) {
            try t.kernel.deleteModule("mod_d")
        }
        #expect(again.state == .live)
        #expect(throws: DriverCoreError.alreadyRegistered(kind: "module", name: "mod_d", site: .model)) {
            try t.kernel.loadModule("mod_d")
        }
        #expect(throws: DriverCoreError.unknown(kind: "module", name: "nope", site: .model)) { try t.kernel.deleteModule("nope") }
    }

    /// The module's exit unregisters its driver: the device unbinds, and from the moment the
    /// module is going no new reference can be taken (try_module_get fails from inside exit).
    @Test func theExitFunctionRunsWithTheModuleGoing() throws {
        let t = TestKernel()
        let driver = ClosureDriver(name: "moddrv", idTable: ["moddrv"])
        let seen = Box<(Module.State, Bool)?>(nil)
        let holder = Box<Module?>(nil)
        let module = try t.kernel.loadModule("mod_e", initialize: { () throws(DriverCoreError) in
            try t.kernel.registerDriver(driver, on: t.bus)
        }, exit: {
            if let m = holder.value { seen.value = (m.state, m.tryGet()) }
            try? t.kernel.unregisterDriver(driver, on: t.bus)
        })
        holder.value = module
        let dev = t.device("m0", ids: ["moddrv"])
        try t.kernel.register(dev)
        #expect(dev.state == .bound)
        try t.kernel.deleteModule("mod_e")
        #expect(seen.value?.0 == .going && seen.value?.1 == false)
        #expect(dev.state == .unbound)
    }
}
