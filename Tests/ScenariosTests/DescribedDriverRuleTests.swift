import Foundation
import Testing
@testable import ScenarioExecution
@testable import ScenarioModel

/// The interpreter's memory and reference rules, one small described driver each: a test
/// fails if its rule is broken (a free that does not free, a check that does not check).
@Suite struct DescribedDriverRuleTests {
    /// Runs a scenario with one driver `d` bound to `d.0`, whose probe and remove are given,
    /// and an admin that unbinds it; returns the finding kinds and the probe's errno (if any).
    static func run(objects: String, globals: String = "{}", functions: String = "{}", probe: String, remove: String = "[]",
                    fops: String = "{}", user: String? = nil) throws -> (kinds: Set<String>, outcome: [String]) {
        let actors = user.map { "  user:\n\($0)\n  admin:\n    - {unbind: d.0, after: done}\n" } ?? "  admin:\n    - unbind: d.0\n"
        let text = """
            schema: devmodel/scenario@2
            name: rule
            objects: \(objects)
            globals: \(globals)
            functions: \(functions)
            fops: \(fops)
            drivers:
              d: {compatible: ["acme,d"], probe: \(probe), remove: \(remove)}
            board:
              devices: [{name: d.0, compatible: ["acme,d"]}]
            actors:
            \(actors)
            expect: {findings: null}
            """
        let scenario = try ScenarioParser.parse(text, file: "rule.yaml")
        let result = ScenarioRunner.run(scenario)
        return (Set(result.findings.map(\.kind.rawValue)), result.steps.map { $0.errno ?? "OK" })
    }

    @Test func aSecondKfreeIsADoubleFree() throws {
        let r = try Self.run(objects: "{s: {members: {x: data}}}", probe: "[{alloc: s, as: p}, {kfree: p}, {kfree: p}]")
        #expect(r.kinds == ["double-free"])
    }

    @Test func freeingAContainerFreesWhatItEmbeds() throws {
        let r = try Self.run(objects: "{inner: {members: {x: data}}, outer: {members: {in: {embedded: inner}}}}",
                             probe: "[{alloc: outer, as: o}, {kfree: o}, {read: o.in.x}]")
        #expect(r.kinds == ["use-after-free"])
    }

    @Test func devmMemoryIsNotKfreedAndFailsTheProbe() throws {
        let r = try Self.run(objects: "{s: {alloc: devm_kzalloc, members: {x: data}}}", probe: "[{alloc: s, as: p}, {kfree: p}]")
        #expect(r.kinds.isEmpty)
        #expect(r.outcome == ["ENODEV"])   // the probe failed (EINVAL): nothing is bound to unbind
    }

    @Test func drmmMemoryGoesWithItsDeviceRelease() throws {
        let r = try Self.run(objects: "{drm: {members: {dev: {device: drm_release}}}, state: {alloc: drmm_kzalloc, members: {x: data}}}",
                             functions: "{drm_release: []}",
                             probe: "[{alloc: drm, as: d}, {device_initialize: d.dev}, {alloc: state, as: s, drm: d.dev}, {put_device: d.dev}, {read: s.x}]")
        #expect(r.kinds == ["use-after-free"])
    }

    /// `devm_add_action(put, &p->ref)`: the action's `self` is the member, and its puts
    /// reach it (here twice, so the second touches freed memory). A member handed as the
    /// argument once left `self` unusable and the action did nothing, silently.
    @Test func aDevmActionOnAMemberRunsOnThatMember() throws {
        let r = try Self.run(objects: "{s: {members: {x: data, ref: {kref: s_free}}}}",
                             functions: "{s_free: [kfree: self], put_twice: [kref_put: self, kref_put: self]}",
                             probe: "[{alloc: s, as: p}, {kref_init: p.ref}, {devm_add_action: put_twice, arg: p.ref}]")
        #expect(r.kinds == ["use-after-free"])
    }

    @Test func aNullGlobalIsAnOops() throws {
        let r = try Self.run(objects: "{s: {members: {x: data}}}", globals: "{g: {pointer: s}}", probe: "[{read: \"@g.x\"}]")
        #expect(r.kinds == ["null-pointer-dereference"])
    }

    @Test func aPutByAHolderThatTookNoReferenceIsReportedAtThatPut() throws {
        // The driver's reference, taken at probe, dropped by a file's release: the file holds none.
        let r = try Self.run(objects: "{s: {members: {m: miscdevice, ref: {kref: s_free}}}}", functions: "{s_free: [kfree: self]}",
                             probe: "[{alloc: s, as: p}, {kref_init: p.ref}, {misc_register: {misc: p.m, node: rule, fops: f}}]",
                             fops: "{f: {release: [{private_data: m}, {container_of: {from: m, type: s}, as: p}, {kref_put: p.ref}]}}",
                             user: "    - {open: /dev/rule, as: f}\n    - {close: f, label: done}")
        #expect(r.kinds == ["put-of-reference-never-taken"])
    }

    @Test func thePutOfTheHolderThatTookItIsClean() throws {
        let r = try Self.run(objects: "{s: {members: {m: miscdevice, ref: {kref: s_free}}}}", functions: "{s_free: [kfree: self]}",
                             probe: "[{alloc: s, as: p}, {kref_init: p.ref}, {misc_register: {misc: p.m, node: rule, fops: f}}]",
                             fops: "{f: {open: [{private_data: m}, {container_of: {from: m, type: s}, as: p}, {kref_get: p.ref}], release: [{private_data: m}, {container_of: {from: m, type: s}, as: p}, {kref_put: p.ref}]}}",
                             user: "    - {open: /dev/rule, as: f}\n    - {close: f, label: done}")
        #expect(r.kinds.isEmpty)
    }

    /// A module reference taken with try_module_get keeps delete_module refused (EAGAIN, which
    /// is EWOULDBLOCK) until module_put; then the unload goes through and its exit unbinds.
    @Test func aModuleReferenceHoldsTheUnloadOff() throws {
        let text = """
            schema: devmodel/scenario@2
            name: module-ref
            objects: {s: {members: {x: data}}}
            drivers:
              d: {module: m, compatible: ["acme,d"], probe: [try_module_get: THIS_MODULE]}
            board:
              devices: [{name: d.0, compatible: ["acme,d"]}]
            actors:
              admin:
                - delete_module: m
            expect: {findings: null}
            """
        let result = ScenarioRunner.run(try ScenarioParser.parse(text, file: "m.yaml"))
        #expect(result.steps.map { $0.errno ?? "OK" } == ["EAGAIN"])
        let released = try ScenarioParser.parse(text.replacingOccurrences(of: "probe: [try_module_get: THIS_MODULE]",
                                                                           with: "probe: [try_module_get: THIS_MODULE, module_put: THIS_MODULE]"),
                                                 file: "m.yaml")
        #expect(ScenarioRunner.run(released).steps.map { $0.errno ?? "OK" } == ["OK"])
    }
}
