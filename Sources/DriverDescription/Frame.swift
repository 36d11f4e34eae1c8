import CharDev
import DriverCore
import Instrumentation

/// The state of one running described function: its locals, who runs it (for trails), the
/// device it is bound to (for devres and drvdata) and, in a file operation, the file.
struct Frame {
    var locals: [String: Value]
    /// The functions it runs in (" → foo_fops.read"), after the actor's step.
    let context: CallPath
    let device: Device?
    let file: FileContext?
    /// Locks taken with `guard`, released when the function returns.
    var guards: [ModelLock] = []
    /// Whose references this function's gets and puts are (ref_tracker's tracker): the open
    /// file in a file operation, the binding in probe, remove and devm actions; nil in a
    /// release callback, which may drop a reference anyone took.
    var holder: Holder?
    /// The module of the driver whose code this is (nil: built in).
    var module: Module?

    init(context: CallPath, device: Device?, file: FileContext? = nil, locals: [String: Value] = [:]) {
        self.context = context
        self.device = device
        self.file = file
        self.locals = locals
        if let file {
            holder = Holder(key: "file:\(ObjectIdentifier(file).hashValue)", name: "the open file \(file.node)")
        } else if let device {
            holder = Holder(key: "binding:\(device.id.raw)", name: "the binding of \(device.name)")
        }
    }

    /// The frame of a callee: same device and file, fresh locals; a release callback
    /// (`attributed: false`) holds no references of its own.
    func calling(_ function: String, argument: Value?, attributed: Bool = true) -> Frame {
        var callee = Frame(context: context.calling(function), device: device, file: file,
                           locals: argument.map { ["self": $0] } ?? [:])
        callee.holder = attributed ? holder : nil
        callee.module = module
        return callee
    }
}

/// A place a path names: a value held in a local (or computed), or a member of a struct.
enum Place {
    case value(Value)
    case member(Reference, MemberKind)
}

/// Who holds a reference, for attributing gets and puts the way lib/ref_tracker.c does.
struct Holder: Sendable, Equatable {
    let key: String
    let name: String

    /// A cdev's own references: its initial one and the one on its parent device.
    static func cdev(_ r: Reference) -> Holder { Holder(key: "cdev:\(r.memberKey)", name: "\(r)'s kobject") }
}
