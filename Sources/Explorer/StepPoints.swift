import ExplorerEngine
import ScenarioModel

/// Which scenario steps announce a scheduling point of their own before they start.
///
/// A step point lets the explorer preempt an actor between two of its steps. It matters only
/// when the step touches state another actor can change before it reaches one of the model's
/// own points (a lock, a fence, a reference): the step point is then where that access is
/// ordered against the other actors. Where nothing the step reads before its first model
/// point can be written by another actor, a preemption at its step point and one at that
/// first model point lead to the same state with the same number of preemptions, and the step
/// point only repeats schedules. That holds for
/// - a file operation (``StepAction/isFileOperation``) on handles no other actor names: it
///   reaches shared state first at the devfs lock or the file's fence;
/// - a binding action (``StepAction/isBindingAction``) when every other actor only makes
///   file operations: what it reads before the device lock (the device's driver and state)
///   is written only by binding actions, device additions and removals and what they set
///   off, and file operations do none of that.
///
/// The canonical scenario has 15,036 schedules with at most two preemptions with every step
/// point and 9,364 with these left out, with the same 20 outcomes; at three preemptions
/// 359,958 and 158,774. `ExplorationOptions.everyStepPoint` keeps them all (the test that the
/// reduction loses nothing compares the two).
///
/// The one observable difference: an event the step records before its first model point
/// (EBADF on the actor's own closed file) is ordered as if it happened at that point.
enum StepPoints {
    /// `needed[a][i]`: step `i` of actor `a` announces a scheduling point before it starts.
    static func needed(in s: Scenario) -> [[Bool]] {
        // The handles each step names (the one it uses, the one it defines).
        let handles = s.actors.map { $0.steps.map { [$0.action.fileHandle, $0.definedHandle].compactMap { $0 } } }
        let onlyFiles = s.actors.map { $0.steps.allSatisfy(\.action.isFileOperation) }
        return s.actors.indices.map { a in
            let others = s.actors.indices.filter { $0 != a }
            let namedByOthers = Set(others.flatMap { handles[$0].joined() })
            let othersOnlyFiles = others.allSatisfy { onlyFiles[$0] }
            return zip(s.actors[a].steps, handles[a]).map { step, named in
                if step.action.isFileOperation { return !namedByOthers.isDisjoint(with: named) }
                if step.action.isBindingAction { return !othersOnlyFiles }
                return true
            }
        }
    }
}
