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

    init(context: CallPath, device: Device?, file: FileContext? = nil, locals: [String: Value] = [:]) {
        self.context = context
        self.device = device
        self.file = file
        self.locals = locals
    }

    /// The frame of a callee: same device and file, fresh locals.
    func calling(_ function: String, argument: Value?) -> Frame {
        Frame(context: context.calling(function), device: device, file: file,
              locals: argument.map { ["self": $0] } ?? [:])
    }
}

/// A place a path names: a value held in a local (or computed), or a member of a struct.
enum Place {
    case value(Value)
    case member(Reference, MemberKind)
}
