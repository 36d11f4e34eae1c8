#!/usr/bin/env python3
"""Mutation score of the proof tools (issue 7): remove one get, put, fence section or devres
registration from the core at a time, rebuild, and check that the explorer, the sanitizer or
the fault sweep catches it.

    python3 Scripts/mutation-score.py [--keep] [--only SUBSTRING]

Works in a throw-away git worktree of HEAD (the checkout is never touched), builds the
`devmodel` debug binary once, then per mutant: apply one textual edit, incremental build,
run the detectors below (each with a time limit), restore. A mutant is caught when a
detector fails (non-zero exit, or its time limit: a hang); stillborn when it does not
compile (left out of the score). Prints one line per mutant and the score; exits 1 below 95%.
"""
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIMIT = 120  # seconds per detector run: longer is a hang, which counts as caught

# Racing examples: every subsystem's open -> unbind -> access story, hot unplug, the
# three-actor benchmark. Preemption bound 1 keeps each under a few seconds in a debug build.
EXPLORED = [
    "gpio-blocked-reader-unbind.yaml", "gpio-poll-woken-by-unbind.yaml", "gpio-rebind-old-handles.yaml",
    "usb-unplug-blocked-reader.yaml", "usb-hot-unplug-file-open.yaml", "i2c-del-adapter-node-open.yaml",
    "spidev-open-unbind-access.yaml", "watchdog-open-unbind-ioctl.yaml", "misc-blocked-reader-unbind.yaml",
    "canonical-three-actors.yaml", "gpio-consumer-unbind.yaml", "i2c-client-adapter-unbind.yaml", "gpio-irq-unbind.yaml", "calls-race-unbind.yaml",
]


def detectors(work):
    scenarios = os.path.join(work, "Scenarios")
    examples = sorted(os.path.join(scenarios, f) for f in os.listdir(scenarios) if f.endswith((".yaml", ".json")))
    yield "run examples", ["run", "-q", "--progress", "never"] + examples
    for name in EXPLORED:
        path = os.path.join(scenarios, name)
        if os.path.exists(path):
            yield "explore " + name, ["explore", "-q", "--bound", "1", path]
    yield "faults", ["faults"]
    # A fault inside the concurrent part: error paths of the rebinds' and replugs' registrations.
    for name in ["canonical-three-actors.yaml", "usb-hot-unplug-file-open.yaml", "i2c-client-adapter-unbind.yaml"]:
        yield "explore --faults " + name, ["explore", "-q", "--faults", "--bound", "0", os.path.join(scenarios, name)]
    yield "bugs", ["bugs", "run", "--all"]


# Helpers the mutants call instead of the real thing (added to the worktree only).
HELPERS = {
    "Sources/Revocable/MutantHelpers.swift": '''
extension Revocable {
    /// Mutant: check, then use, with no read section (fence enter/exit removed).
    public func mutantUnfenced<R, E: Error>(_ body: (Resource?) throws(E) -> R) throws(E) -> R {
        try body(_state.load(ordering: .acquiring) & 1 == 0 ? _resource : nil)
    }
}
''',
    "Sources/CharDev/MutantHelpers.swift": '''
extension OperationsGuard {
    /// Mutant: the file layer's calls reach the driver with no read section.
    func mutantUnfenced<R, E: Error>(_ body: ((any FileOperations)?) throws(E) -> R) throws(E) -> R {
        switch self {
        case .fenced(let fence): return try fence.mutantUnfenced(body)
        default: return try withAccess(body)
        }
    }
}
''',
    "Sources/DriverCore/MutantHelpers.swift": '''
extension Devres {
    /// Mutant: the registration is dropped (the action never runs).
    public func mutantDropAction(_ key: ActionKey, fileID: StaticString = #fileID, line: UInt = #line,
                                 _ action: @escaping @Sendable () -> Void) throws(DriverCoreError) {}
}
''',
}

# Equivalent mutants, left out of the score with the reason: no schedule can tell them apart.
EQUIVALENT = {
    ("Sources/DriverCore/Devres/DevresRevocable.swift", "guard let value = revocable.withAccess({ $0 })"):
        "access(_:) only copies the reference out of an empty section: the caller's proof that the device is "
        "bound is the guarantee, so the section protects nothing",
}

GET_PUT = re.compile(r"^\s*(_ = )?(try[?!]? )?[A-Za-z_][A-Za-z0-9_.?!()]*\.(get|put)\((fileID|site|)[^{]*\)\s*$")


def mutants(work):
    """(description, path, line index, new line text) for every mutation site."""
    out = []
    for sub in ["Sources/DriverCore", "Sources/CharDev", "Sources/Subsystems", "Sources/Revocable"]:
        for dirpath, _, files in os.walk(os.path.join(work, sub)):
            for f in sorted(files):
                if not f.endswith(".swift") or f == "MutantHelpers.swift":
                    continue
                path = os.path.join(dirpath, f)
                rel = os.path.relpath(path, work)
                lines = open(path).read().split("\n")
                for i, line in enumerate(lines):
                    code = line.split("//")[0]
                    if GET_PUT.match(code):
                        op = "get" if ".get(" in code else "put"
                        out.append((f"drop {op}", rel, i, "// MUTANT " + line))
                    elif "devres.addActionOrReset(" in code:
                        out.append(("drop devres registration", rel, i, line.replace("devres.addActionOrReset(", "devres.mutantDropAction(")))
                    elif re.search(r"\b(fence|revocable)\.withAccess\s*[({]", code) and "func " not in code:
                        out.append(("drop read section", rel, i, re.sub(r"\b(fence|revocable)\.withAccess\b", r"\1.mutantUnfenced", line)))
                    elif f == "Revocable.swift" and re.match(r"^\s*(defer \{ )?_leave\(ticket, announced\)( \})?\s*$", code):
                        out.append(("drop fence exit", rel, i, "// MUTANT " + line))
                    elif f == "Revocable.swift" and re.match(r"^\s*dm_rev_exit\(ticket\)\s*$", code):
                        out.append(("drop fence exit (announced)", rel, i, "// MUTANT " + line))
    kept = []
    for m in out:
        reason = next((why for (rel, text), why in EQUIVALENT.items() if m[1] == rel and text in open(os.path.join(work, rel)).read().split("\n")[m[2]]), None)
        if reason:
            print(f"equivalent, not scored: {m[0]} {m[1]}:{m[2] + 1} ({reason})")
        else:
            kept.append(m)
    return kept


def sh(args, cwd, timeout=None):
    start = time.time()
    try:
        p = subprocess.run(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
        return p.returncode, p.stdout.decode(errors="replace"), time.time() - start
    except subprocess.TimeoutExpired:
        return None, "time limit", time.time() - start


def main():
    keep = "--keep" in sys.argv
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
    work = tempfile.mkdtemp(prefix="dm-mutants-")
    subprocess.run(["git", "worktree", "add", "--detach", work, "HEAD"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for rel, text in HELPERS.items():
            with open(os.path.join(work, rel), "w") as f:
                f.write(text)
        binary = os.path.join(work, ".build", "debug", "devmodel")
        print("building the unmutated devmodel (debug) in", work, flush=True)
        rc, log, _ = sh(["swift", "build", "--product", "devmodel"], work)
        if rc != 0:
            print(log[-3000:])
            return 2
        for name, args in detectors(work):
            rc, log, secs = sh([binary] + args, work, LIMIT)
            if rc != 0:
                print(f"baseline detector '{name}' fails without any mutant ({rc}):\n{log[-2000:]}")
                return 2
        sites = [m for m in mutants(work) if only is None or only in m[0] or only in m[1]]
        print(f"{len(sites)} mutants; detectors: " + ", ".join(n for n, _ in detectors(work)), flush=True)
        caught = stillborn = 0
        survivors = []
        for k, (what, rel, i, new) in enumerate(sites, 1):
            path = os.path.join(work, rel)
            original = open(path).read()
            lines = original.split("\n")
            lines[i] = new
            open(path, "w").write("\n".join(lines))
            try:
                rc, log, _ = sh(["swift", "build", "--product", "devmodel"], work)
                if rc != 0:
                    stillborn += 1
                    print(f"[{k:2}/{len(sites)}] {what:28} {rel}:{i + 1}  stillborn (does not compile)", flush=True)
                    continue
                verdict = None
                start = time.time()
                for name, args in detectors(work):
                    rc, log, secs = sh([binary] + args, work, LIMIT)
                    if rc != 0:
                        verdict = f"caught by {name} ({'hang' if rc is None else 'exit ' + str(rc)}, {secs:.1f} s)"
                        break
                if verdict:
                    caught += 1
                else:
                    survivors.append(f"{rel}:{i + 1} {what}")
                    verdict = f"SURVIVED ({time.time() - start:.0f} s of detectors)"
                print(f"[{k:2}/{len(sites)}] {what:28} {rel}:{i + 1}  {verdict}", flush=True)
            finally:
                open(path, "w").write(original)
        scored = len(sites) - stillborn
        score = 100.0 * caught / scored if scored else 0.0
        print(f"\nmutation score: {caught}/{scored} = {score:.1f}% (goal >= 95%); {stillborn} stillborn")
        for s in survivors:
            print("  survived:", s)
        return 0 if score >= 95 else 1
    finally:
        if keep:
            print("worktree kept at", work)
        else:
            subprocess.run(["git", "worktree", "remove", "--force", work], cwd=ROOT,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


if __name__ == "__main__":
    sys.exit(main())
