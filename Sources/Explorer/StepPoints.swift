import Scenarios

/// Which scenario steps announce a scheduling point of their own before they start.
///
/// A step point lets the explorer preempt an actor between two of its steps. It matters only
/// when the step touches state another actor can change before it reaches one of the model's
/// own points (a lock, a fence, a reference): the step point is then where that access is
/// ordered against the other actors. A file operation on a handle that no other actor names
/// reaches shared state first at a model point (``StepAction/reachesSharedStateAtModelPoint``);
/// what runs before it is the actor's own. So a preemption at its step point and one at that
/// first model point lead to the same state with the same number of preemptions, and the
/// step point only doubles schedules: the canonical scenario has 15,036 schedules with at most
/// two preemptions with every step point and 10,006 with these left out, with the same 20
/// outcomes; at three preemptions 359,958 and 179,006. `ExplorationOptions.everyStepPoint`
/// keeps them all (the test that the reduction loses nothing compares the two).
///
/// The one observable difference: an event the step records before its first model point
/// (EBADF on the actor's own closed file) is ordered as if it happened at that point.
enum StepPoints {
    /// `needed[a][i]`: step `i` of actor `a` announces a scheduling point before it starts.
    static func needed(in s: Scenario) -> [[Bool]] {
        let named = s.actors.map { actor in Set(actor.steps.flatMap { [$0.action.fileHandle, $0.definedHandle].compactMap { $0 } }) }
        return s.actors.indices.map { a in
            let others = named.indices.filter { $0 != a }.reduce(into: Set<String>()) { $0.formUnion(named[$1]) }
            return s.actors[a].steps.map { step in
                let handles = [step.action.fileHandle, step.definedHandle].compactMap { $0 }
                return !(step.action.reachesSharedStateAtModelPoint && others.isDisjoint(with: handles))
            }
        }
    }
}
