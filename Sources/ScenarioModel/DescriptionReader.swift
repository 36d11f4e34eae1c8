import DriverDescription
import Yams

/// Reads the driver-description sections of a `devmodel/scenario@2` file: `objects:`,
/// `globals:`, `functions:`, `fops:` and `drivers:`. Every problem is a located diagnostic;
/// names are checked by `DriverDescription.problems` (through the validator) once everything is read.
enum DescriptionReader {
    static let sections = ["objects", "globals", "functions", "fops", "drivers"]

    static func read(_ top: Fields, _ r: NodeReader) -> DriverDescription {
        var d = DriverDescription()
        if let n = top["objects"] {
            for (name, keyNode, value) in r.pairs(n, "objects") ?? [] {
                if let t = objectType(name, value, r, at: keyNode) { d.types[name] = t }
            }
        }
        if let n = top["globals"] {
            for (name, _, value) in r.pairs(n, "globals") ?? [] {
                if let k = memberKind(value, "global '\(name)'", r) { d.globals[name] = k }
            }
        }
        if let n = top["functions"] {
            for (name, _, value) in r.pairs(n, "functions") ?? [] { d.functions[name] = StepListReader.steps(value, "function '\(name)'", r) }
        }
        if let n = top["fops"] {
            for (name, keyNode, value) in r.pairs(n, "fops") ?? [] {
                if let f = fops(name, value, r, at: keyNode) { d.fops[name] = f }
            }
        }
        if let n = top["drivers"] {
            for (name, keyNode, value) in r.pairs(n, "drivers") ?? [] {
                if let drv = driver(name, value, r, at: keyNode) { d.drivers.append(drv) }
            }
        }
        return d
    }

    static func location(_ node: Node, _ r: NodeReader) -> DescriptionLocation {
        let l = r.location(node)
        return DescriptionLocation(file: r.file, line: l.line, column: l.column)
    }

    static func objectType(_ name: String, _ node: Node, _ r: NodeReader, at keyNode: Node) -> ObjectType? {
        guard let f = r.mapping(node, "struct \(name)", allowed: ["alloc", "members"]) else { return nil }
        var allocation = Allocation.kzalloc
        if let a = f["alloc"], let s = r.string(a, "alloc") {
            if let k = Allocation(rawValue: s) { allocation = k } else {
                r.error(a, "unknown allocation '\(s)'; expected one of: \(Allocation.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        var members: [Member] = []
        for (m, _, value) in f["members"].flatMap({ r.pairs($0, "members of \(name)") }) ?? [] {
            if let k = memberKind(value, "member '\(m)' of \(name)", r) { members.append(Member(name: m, kind: k)) }
        }
        return ObjectType(name: name, allocation: allocation, members: members, location: location(keyNode, r))
    }

    static let scalarKinds: [String: MemberKind] = [
        "data": .data, "int": .data, "pointer": .pointer(nil), "kref": .kref(release: nil), "device": .device(release: nil),
        "cdev": .cdev, "miscdevice": .miscdevice, "wait_queue_head": .waitQueue, "mutex": .mutex, "table": .table,
        "idr": .table, "revocable": .revocable,
        // DRM
        "drm_device": .drmDevice(release: nil),
    ]
    static let mappedKinds = ["kref", "device", "pointer", "embedded", "drm_device"]

    /// `data`, `cdev`, … or `{kref: release_fn}`, `{device: release_fn}`, `{pointer: type}`,
    /// `{embedded: type}`.
    static func memberKind(_ node: Node, _ what: String, _ r: NodeReader) -> MemberKind? {
        if case .scalar = node {
            guard let s = r.string(node, what) else { return nil }
            guard let k = scalarKinds[s] else {
                r.error(node, "unknown member kind '\(s)' for \(what); expected one of: \(scalarKinds.keys.sorted().joined(separator: ", ")), or {\(mappedKinds.joined(separator: "|")): NAME}")
                return nil
            }
            return k
        }
        guard let f = r.mapping(node, what, allowed: mappedKinds) else { return nil }
        guard f.values.count == 1, let (key, _, value) = f.values.first, let arg = r.string(value, key) else {
            r.error(node, "\(what): one of {\(mappedKinds.joined(separator: "|")): NAME}")
            return nil
        }
        switch key {
        case "kref": return .kref(release: arg)
        case "device": return .device(release: arg)
        case "pointer": return .pointer(arg)
        case "drm_device": return .drmDevice(release: arg)
        default: return .embedded(arg)
        }
    }

    static func fops(_ name: String, _ node: Node, _ r: NodeReader, at keyNode: Node) -> FileOperationsSpec? {
        guard let f = r.mapping(node, "fops \(name)", allowed: FileOperationsSpec.operationNames + ["protection", "owner"]) else { return nil }
        var spec = FileOperationsSpec(name: name, operations: [:], location: location(keyNode, r))
        if let p = f["protection"], let s = r.string(p, "protection") {
            if let k = FopsProtection(rawValue: s) { spec.protection = k } else {
                r.error(p, "unknown protection '\(s)'; expected one of: \(FopsProtection.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        if let o = f["owner"], let v = r.bool(o, "owner") { spec.owner = v }
        for op in FileOperationsSpec.operationNames {
            if let n = f[op] { spec.operations[op] = StepListReader.steps(n, "\(name).\(op)", r) }
        }
        return spec
    }

    static func driver(_ name: String, _ node: Node, _ r: NodeReader, at keyNode: Node) -> DescribedDriverSpec? {
        guard let f = r.mapping(node, "driver \(name)", allowed: ["compatible", "probe", "remove", "module"]) else { return nil }
        var spec = DescribedDriverSpec(name: name, location: location(keyNode, r))
        spec.compatible = f["compatible"].flatMap { r.strings($0, "compatible") } ?? []
        spec.module = f["module"].flatMap { r.string($0, "module") }
        if let p = f["probe"] { spec.probe = StepListReader.steps(p, "\(name).probe", r) }
        if let p = f["remove"] { spec.remove = StepListReader.steps(p, "\(name).remove", r) }
        return spec
    }
}
