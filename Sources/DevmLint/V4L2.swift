/// `devm-v4l2`: devm memory that embeds, by value, a V4L2 object whose lifetime follows
/// open files rather than the driver (the case raised at LPC 2022, "the harmful
/// side-effects of devres").
///
/// - `struct video_device`: `v4l2_open()` takes a reference on `vdev->dev`; the last close
///   after unbind drops it and `v4l2_device_release()` (drivers/media/v4l2-core/v4l2-dev.c)
///   touches `vdev` and calls `vdev->release(vdev)` on memory devres already freed.
/// - `struct v4l2_device`: `__video_register_device()` takes `v4l2_device_get()` on it, and
///   the same `v4l2_device_release()` reads `v4l2_dev->mdev` and `v4l2_dev->release` at the
///   last close, so even a separately allocated video_device reaches the devm memory.
///
/// Judged safe and not reported (each subsystem's own release rules, Linux 6.12):
/// `media_device` (the devnode is allocated apart and `media_device_close()` touches
/// nothing), `i2c_adapter` (`i2c_del_adapter()` waits for the last reference),
/// `watchdog_device` (the core's `watchdog_core_data` is refcounted and cleared under
/// its lock), `input_dev` and `rtc_device` (never embedded; the core allocates them).
/// `tty_port` has its own rule (`devm-tty-port`, TTYPort.swift). A `struct device` of its
/// own registered from devm memory (device_register/device_add) is judged in
/// Docs/lint-results.md and left without a rule: a handful of drivers, most holding only
/// transient references after remove().
extension Analyzer {
    static let v4l2Objects: Set<String> = ["video_device", "v4l2_device"]
    static let videoRegister: Set<String> = ["video_register_device", "__video_register_device", "video_register_device_no_warn"]

    func v4l2Findings(_ alloc: DevmMemory.Allocation, in f: FunctionDef, unit: FileUnit) -> [Finding] {
        guard alloc.type.isStruct, let def = project.resolve(alloc.type, from: unit) else { return [] }
        let objs = project.embedded(Analyzer.v4l2Objects, in: def)
        guard !objs.isEmpty else { return [] }
        let rel = project.sameFolder(unit)
        // Without a registered video node no file can hold the memory.
        // Evidence: the registration of this very member when one names it
        // (`video_register_device(&video->video, …)`), else the folder's first.
        var vreg: (Call, String)?
        let memberNames = Set(objs.compactMap(\.path.last))
        for u in rel {
            for g in u.functions {
                for c in g.calls where Analyzer.videoRegister.contains(c.name) {
                    // `vfd = &fimc->ve.vdev; video_register_device(vfd, …)`: look through one alias.
                    var arg = c.args.first ?? []
                    if arg.count == 1, let a = g.assigns.last(where: { $0.lhs.count == 1 && $0.lhs[0].text == arg[0].text }) { arg = a.rhs }
                    let names = memberNames.contains(arg.last(where: { $0.kind == .ident })?.text ?? "")
                    if vreg == nil || names { vreg = (c, u.path) }
                    if names { break }
                }
            }
        }
        let typeName = "struct \(alloc.type.name)"
        let here = "\(unit.path):\(alloc.loc.line): \(typeName)"
        guard let (reg, regFile) = vreg else {
            if explain { explanations.add("\(here): embeds \(objs[0].kind) but no video_register_device() near it") }
            return []
        }
        // video_register_device() makes the v4l2 fops' .owner the cdev's owner: with it, and
        // bind attributes suppressed on a non-hotplug bus, the module stays while a file is
        // open. Without it the module can go, and remove() with it.
        let v4l2Fops = rel.flatMap { u in u.globals.values.filter { $0.type.name == "v4l2_file_operations" && $0.initializer != nil } }
        let ownerSet = v4l2Fops.allSatisfy { g in g.initializer.map { Project.flatten($0)["owner"] != nil } ?? false }
        let unbind = project.unbindPath(for: f, unit: unit, fopsOwnerSet: ownerSet)
        guard unbind.possible else {
            if explain { explanations.add("\(here): cannot be unbound: \(unbind.how)") }
            return []
        }
        let at = { (file: String, l: Loc) in SourceLocation(file: file, line: l.line, column: l.col) }
        let vdev = objs.first { $0.kind == "video_device" }
        let main = vdev ?? objs[0]
        var notes = [
            Note(location: at(unit.path, alloc.loc),
                 message: "\(typeName) is allocated with \(alloc.call)(\(alloc.device), …) in \(f.name)(); devres frees it right after remove() when the device is unbound"),
        ]
        for o in objs {
            notes.append(Note(location: at(o.file, o.loc), message: "struct \(o.kind) is embedded by value at \(typeName).\(o.path.joined(separator: "."))"))
        }
        notes.append(Note(location: at(regFile, reg.loc), message: "a video node is registered with \(reg.name)(\(reg.args.first?.joined ?? "")) here"))
        notes.append(Note(location: unbind.loc.map { at(unbind.file ?? unit.path, $0) }, message: unbind.how))
        if vdev != nil {
            notes.append(Note(location: nil, message: "an open video node holds a reference on the video_device's struct device; its last close after unbind runs v4l2_device_release() (drivers/media/v4l2-core/v4l2-dev.c) and vdev->release() on freed memory"))
        } else {
            notes.append(Note(location: nil, message: "video_register_device() takes v4l2_device_get() on it; the last close after unbind runs v4l2_device_release() (drivers/media/v4l2-core/v4l2-dev.c), which reads v4l2_dev->mdev and v4l2_dev->release in freed memory"))
        }
        var ev = evidence(.videoNode, alloc, in: f, unit: unit, unbind: unbind)
        (ev.objectPath, ev.registration, ev.fops) = (main.path, reg.name, v4l2Fops.first?.name)
        ev.registeredAt = at(regFile, reg.loc)
        return [Finding(
            rule: .devmV4L2, location: at(unit.path, alloc.loc),
            message: "\(typeName) allocated with \(alloc.call)() embeds a struct \(main.kind) (\(typeName).\(main.path.joined(separator: "."))) that open video nodes keep using after unbind",
            notes: notes,
            fix: "allocate \(typeName) with kzalloc() and free it from the v4l2_device (or video_device) release callback, which runs after the last close; or allocate the video_device apart with video_device_alloc() and keep the v4l2_device out of devm memory",
            evidence: ev)]
    }
}
