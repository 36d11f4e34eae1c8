import DriverCore
import Instrumentation

/// ims-pcu's sysfs attributes before `411b8c4b2747` (drivers/input/misc/ims-pcu.c): every
/// store that talks to the device takes `pcu->cmd_mutex` around `ims_pcu_execute_command()`,
/// whose command buffer is shared — except `reset_device`, which did not, so a reset written
/// while another attribute's command was in flight overwrote that command's buffer. The fix
/// takes the mutex there too. The attributes are the driver's `dev_groups` on our sysfs, so
/// the explorer interleaves the two stores at the kernfs fences, the mutex and the transfer.
/// Teaching material only.
final class LegacyImsPcuDriver: DeviceDriver {
    let name = "legacy-ims-pcu"
    let idTable = ["legacy-ims-pcu"]
    let fixed: Bool
    let cmdMutex: ModelLock
    /// `pcu->cmd_buf`: the command in flight.
    let cmdBuf = Locked<String>("")
    /// The buffer's identity for the explorer's reduction: both stores touch it.
    let cmdBufID = ObjectID.next()
    /// Commands whose response came back in another command's buffer.
    let corrupted = Locked<[String]>([])

    init(fixed: Bool, events: EventStream) {
        self.fixed = fixed
        cmdMutex = ModelLock(class: "ims_pcu.cmd_mutex", name: "pcu.cmd_mutex", events: events)
    }

    var deviceGroups: [AttributeGroup] {
        [AttributeGroup(attributes: [
            DeviceAttribute("part_number", store: { [self] _, value throws(SysfsError) in
                try cmdMutex.withLock { () throws(SysfsError) in try execute("SET_INFO \(value)") }
                return value.utf8.count
            }),
            DeviceAttribute("reset_device", store: { [self] _, value throws(SysfsError) in
                if fixed {
                    try cmdMutex.withLock { () throws(SysfsError) in try execute("PCU_RESET") }
                } else {
                    try execute("PCU_RESET")
                }
                return value.utf8.count
            }),
        ])]
    }

    /// `ims_pcu_execute_command`: fill the shared buffer, send it, read the response back from it.
    private func execute(_ command: String) throws(SysfsError) {
        Scheduling.touch(cmdBufID)
        cmdBuf.withLock { $0 = command }
        Scheduling.point(.step("usb_bulk_msg(\(command))"))
        Scheduling.touch(cmdBufID)
        let response = cmdBuf.withLock { $0 }
        guard response == command else {
            corrupted.withLock { $0.append(command) }
            throw SysfsError(.EIO, "\(command): response for \(response)")
        }
    }

    func probe(_ device: borrowing BoundDevice) throws(ProbeError) {}
}
