import CharDev
import DriverCore
import Instrumentation

/// Runs described steps against the world: the one place their meaning is defined. Each step
/// is logged (for trails); memory is reached only through `DescribedObject.access`,
/// so every use after free is caught where it happens.
struct Interpreter {
    let world: DescribedWorld

    /// Runs `steps` in order; the first failing step ends the list with its error, after
    /// the `unwind:` steps of the steps before it ran, newest first (their own errors are
    /// ignored, as an error path's are).
    func run(_ steps: [Step], _ frame: inout Frame) throws(DescribedError) {
        for (i, step) in steps.enumerated() {
            do throws(DescribedError) {
                try run(step, &frame)
            } catch {
                for done in steps[..<i].reversed() where !done.unwind.isEmpty {
                    for undo in done.unwind { try? run(undo, &frame) }
                }
                throw error
            }
        }
    }

    /// Runs a whole function (a probe, a file operation, a callback): its steps, then the
    /// release of every lock it took with `guard`, newest first, however it returned.
    func runFunction(_ steps: [Step], _ frame: inout Frame) throws(DescribedError) {
        defer {
            for lock in frame.guards.reversed() { lock.unlock(site: .model) }
            frame.guards = []
        }
        try run(steps, &frame)
    }

    func provenance(_ step: Step, _ frame: Frame) -> Provenance {
        Provenance(frame.context, step.operation, location: step.location, log: world.log)
    }

    func run(_ step: Step, _ frame: inout Frame) throws(DescribedError) {
        let who = provenance(step, frame)
        switch step.operation {
        case .alloc(let type, let name, let managedBy, let on):
            frame.locals[name] = .reference(Reference(try allocate(type, managedBy: managedBy, on: on, &frame, who: who)))
        case .kfree(let path):
            try kfree(path, &frame, who: who)
        case .refInit(let p):
            try refInit(try member(p, &frame, who: who), holder: frame.holder, who: who)
        case .refGet(let p):
            try refGet(try member(p, &frame, who: who), holder: frame.holder, who: who)
        case .refPut(let p):
            try refPut(try member(p, &frame, who: who), frame, holder: frame.holder, who: who)
        case .initWaitQueue(let p), .mutexInit(let p):
            try reinitialise(try member(p, &frame, who: who), who: who)
        case .cdevInit(let p, let fops):
            try cdevInit(try member(p, &frame, who: who), fops: fops, who: who)
        case .cdevDeviceAdd(let cdev, let device, let node):
            try cdevDeviceAdd(cdev: cdev, device: device, node: node, &frame, who: who)
        case .cdevDeviceDel(let cdev, let device):
            try cdevDeviceDel(cdev: cdev, device: device, &frame, who: who)
        case .cdevAdd(let p, let node):
            try cdevAdd(try member(p, &frame, who: who), node: node, frame, who: who)
        case .cdevDel(let p):
            try cdevDel(try member(p, &frame, who: who), frame, who: who)
        case .miscRegister(let p, let node, let fops):
            try miscRegister(try member(p, &frame, who: who), node: node, fops: fops, frame, who: who)
        case .miscDeregister(let p):
            try miscDeregister(try member(p, &frame, who: who), who: who)
        case .devmAddAction(let function, let argument, let orReset):
            try devmAddAction(function, argument: try argument.map { p throws(DescribedError) in try value(p, &frame, who: who) },
                              orReset: orReset, frame)
        case .requestIRQ(let line, let handler, let argument, let managed):
            try requestIRQ(line: line, handler: handler, argument: try argument.map { p throws(DescribedError) in try value(p, &frame, who: who) },
                           managed: managed, frame)
        case .freeIRQ(let line):
            try world.freeIRQ(line: line)
        case .moduleGet(let name):
            guard let module = try module(name, frame) else { break }
            if !module.tryGet() { throw .errno(.ENODEV, "try_module_get(\(module.name)): the module is going") }
        case .modulePut(let name):
            try module(name, frame)?.put()
        case .deviceCreateFile(let name, let show, let store):
            try createFile(name, show: show, store: store, frame)
        case .deviceRemoveFile(let name):
            try removeFile(name, frame)
        case .setDrvdata(let p):
            guard let device = frame.device else { throw .invalid("set_drvdata outside a probe") }
            world.setDrvdata(try value(p, &frame, who: who), device: device)
        case .getDrvdata(let name):
            guard let device = frame.device else { throw .invalid("get_drvdata with no device") }
            frame.locals[name] = world.getDrvdata(device)
        case .tableInsert(let table, let key, let v):
            try tableInsert(try member(table, &frame, who: who), key: key, value: try value(v, &frame, who: who), who: who)
        case .tableRemove(let table, let key):
            try tableRemove(try member(table, &frame, who: who), key: key, who: who)
        case .tableLookup(let table, let key, let name, let locked, let get):
            frame.locals[name] = try tableLookup(try member(table, &frame, who: who), key: key, locked: locked, get: get,
                                                 holder: frame.holder, who: who)
        case .read(let p, let name):
            let v = try load(try place(p, &frame, who: who), who: who)
            if let name { frame.locals[name] = v }
        case .write(let p, let v):
            let new = try evaluate(v, &frame, who: who)
            try store(try member(p, &frame, who: who), new, who: who)
        case .wakeUp(let p):
            try wakeUp(try member(p, &frame, who: who), who: who)
        case .waitEvent(let p, let until, let timeout):
            try waitEvent(try member(p, &frame, who: who), until: try place(until, &frame, who: who), timeout: timeout, who: who)
        case .mutexLock(let p):
            try mutex(try member(p, &frame, who: who), who: who).lock(site: .model)
        case .mutexUnlock(let p):
            try mutex(try member(p, &frame, who: who), who: who).unlock(site: .model)
        case .guardLock(let p):
            let lock = try mutex(try member(p, &frame, who: who), who: who)
            lock.lock(site: .model)
            frame.guards.append(lock)
        case .privateData(let name):
            guard let file = frame.file else { throw .invalid("private_data outside a file operation") }
            frame.locals[name] = file.privateData(as: Value.self) ?? .null
        case .setPrivateData(let p):
            guard let file = frame.file else { throw .invalid("set_private_data outside a file operation") }
            file.privateData = try value(p, &frame, who: who)
        case .containerOf(let from, let type, let name):
            frame.locals[name] = try containerOf(try value(from, &frame, who: who), type: type)
        case .check(let p, let errno):
            if try load(try place(p, &frame, who: who), who: who).isZero {
                throw .errno(Errno(name: errno) ?? .EINVAL, "check \(p) failed at \(step.location.map(\.description) ?? "?")")
            }
        case .fail(let errno):
            throw .errno(Errno(name: errno) ?? .EINVAL, "returns \(errno)")
        case .call(let function, let argument):
            var callee = frame.calling(function, argument: try argument.map { p throws(DescribedError) in try value(p, &frame, who: who) })
            try runFunction(world.description.functions[function] ?? [], &callee)
        case .revocableAccess(let p, let steps):
            try revocableAccess(try member(p, &frame, who: who), steps: steps, &frame, who: who)
        case .revoke(let p):
            try revoke(try member(p, &frame, who: who), who: who)
        case .ttyPortRegisterDevice, .ttyUnregisterDevice, .ttyPortTTYHangup:
            try runTTY(step.operation, &frame, who: who)
        case .mmcAllocHost, .mmcAddHost, .mmcRemoveHost, .mmcFreeHost:
            try runMMC(step.operation, &frame, who: who)
        // Net
        case .allocEtherdev, .registerNetdev, .unregisterNetdev, .freeNetdev, .devHold, .devPut:
            try runNet(step.operation, &frame, who: who)
        case .drmDevRegister(let p, let node, let fops):
            try drmDevRegister(try member(p, &frame, who: who), node: node, fops: fops, frame, who: who)
        case .drmDevUnregister(let p):
            try drmDevUnregister(try member(p, &frame, who: who), unplug: false, who: who)
        case .drmDevUnplug(let p):
            try drmDevUnregister(try member(p, &frame, who: who), unplug: true, who: who)
        case .drmDevEnter(let p, let steps):
            try drmDevEnter(try member(p, &frame, who: who), steps: steps, &frame, who: who)
        case .videoRegisterDevice(let p, let node, let fops, let media):
            try videoRegisterDevice(try member(p, &frame, who: who), node: node, fops: fops, media: media, frame, who: who)
        case .videoUnregisterDevice(let p, let media):
            try videoUnregisterDevice(try member(p, &frame, who: who), media: media, frame, who: who)
        }
    }

    /// The module a step names (nil: THIS_MODULE, the running code's; nil again when that
    /// code is built in, where the kernel's calls do nothing either).
    func module(_ name: String?, _ frame: Frame) throws(DescribedError) -> Module? {
        guard let name else { return frame.module }
        guard let m = world.kernel.module(named: name) else { throw .errno(.ENOENT, "no module \(name)") }
        return m
    }

    /// The step's main argument, for logs and trails.
    static func argument(_ op: Operation) -> String? {
        switch op {
        case .alloc(let t, let n, _, let on): "\(t) as \(n)\(on.map { " on \($0)" } ?? "")"
        case .kfree(let p), .refInit(let p), .refGet(let p), .refPut(let p), .initWaitQueue(let p), .mutexInit(let p),
             .cdevInit(let p, _), .miscRegister(let p, _, _), .miscDeregister(let p), .setDrvdata(let p),
             .read(let p, _), .write(let p, _), .wakeUp(let p), .waitEvent(let p, _, _), .mutexLock(let p),
             .mutexUnlock(let p), .guardLock(let p), .setPrivateData(let p), .check(let p, _), .revocableAccess(let p, _), .revoke(let p),
             .drmDevUnregister(let p), .drmDevUnplug(let p), .drmDevEnter(let p, _), .videoUnregisterDevice(let p, _):
            p.description
        case .cdevDeviceAdd(let c, _, let node): "\(c) as /dev/\(node)"
        case .cdevDeviceDel(let c, _), .cdevDel(let c): c.description
        case .cdevAdd(let c, let node), .drmDevRegister(let c, let node, _), .videoRegisterDevice(let c, let node, _, _):
            "\(c) as /dev/\(node)"
        case .devmAddAction(let f, _, _), .call(let f, _): f
        case .requestIRQ(let line, let h, _, _): "\(line) → \(h)"
        case .freeIRQ(let line): "\(line)"
        case .deviceCreateFile(let n, _, _), .deviceRemoveFile(let n): n
        case .moduleGet(let m), .modulePut(let m): m ?? "THIS_MODULE"
        case .getDrvdata(let n), .privateData(let n): n
        case .tableInsert(let t, let k, _), .tableRemove(let t, let k), .tableLookup(let t, let k, _, _, _): "\(t)[\(k)]"
        case .containerOf(let f, let t, _): "\(f) in \(t)"
        case .fail(let e): e
        case .ttyPortRegisterDevice(let p, let node, _): "\(p) as /dev/\(node)"
        case .ttyUnregisterDevice(let p), .ttyPortTTYHangup(let p), .mmcAddHost(let p), .mmcRemoveHost(let p),
             .mmcFreeHost(let p):
            p.description
        case .mmcAllocHost(let t, let n, _): "\(t) as \(n)"
        // Net
        case .allocEtherdev(let t, let n, _): "\(t) as \(n)"
        case .registerNetdev(let p, _, _), .unregisterNetdev(let p), .freeNetdev(let p), .devHold(let p), .devPut(let p):
            p.description
        }
    }
}
