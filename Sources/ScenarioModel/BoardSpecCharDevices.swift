import SimHardware

/// The board kinds that publish one character device each through a subsystem core: SPI
/// controllers (spidev), watchdogs and misc devices. Each is a platform device bound by a
/// built-in driver of the scenario board (``BuiltinDrivers``); its node appears at setup and is
/// removed when that driver unbinds, while open files live on and get ENODEV.

/// An SPI controller whose MOSI is wired to MISO (a loopback: a transfer receives what it
/// sent, a read receives zeros), bound by the built-in `spi-loopback` driver. The n-th
/// controller is SPI bus n, with one spidev node per chip select: `/dev/spidev<n>.<cs>`
/// (drivers/spi/spidev.c names them `spidev%d.%d`, bus then chip select).
public struct SPIControllerSpec: Sendable, Equatable {
    /// The platform device's name ("spi-sim.0").
    public var name: String
    /// `num_chipselect`: 1…16 spidev nodes.
    public var chipSelects: Int
    /// The controller's `max_speed_hz`; `SPI_IOC_WR_MAX_SPEED_HZ` above it is EINVAL.
    public var maxSpeedHz: Int
    public var location: SourceLocation?
    public static let defaultMaxSpeedHz = Int(SPILoopbackDriver.defaultMaxSpeedHz)

    public init(name: String, chipSelects: Int = 1, maxSpeedHz: Int = SPIControllerSpec.defaultMaxSpeedHz,
                location: SourceLocation? = nil) {
        self.name = name
        self.chipSelects = chipSelects
        self.maxSpeedHz = maxSpeedHz
        self.location = location
    }
}

/// A watchdog timer bound by the built-in `softdog` driver (a software timer, after
/// drivers/watchdog/softdog.c; it never fires here). The n-th is `/dev/watchdog<n>`; the first
/// also gets the legacy `/dev/watchdog` (watchdog_dev.c). Options: magic close, keep-alive
/// ping and settable timeout. Opening starts it; writing pings it ('V' arms magic close).
public struct WatchdogSpec: Sendable, Equatable {
    public var name: String
    /// Initial timeout in seconds (within `minTimeout…maxTimeout` = 1…600).
    public var timeout: Int
    /// WDOG_NO_WAY_OUT: once started it can never be stopped from user space.
    public var nowayout: Bool
    /// WDOG_STOP_ON_UNREGISTER: unbinding the driver stops a running watchdog (otherwise it
    /// keeps running and the core warns).
    public var stopOnUnregister: Bool
    /// softdog built as a module (CONFIG_SOFT_WATCHDOG=m), loaded with the board as
    /// ``softdogModule``: an open file or a running timer pins it, and `delete_module` of it
    /// is refused (EAGAIN) until both are gone, then its exit unregisters the watchdogs. One
    /// driver serves every watchdog, so a board's watchdogs are all modules or none.
    public var module: Bool
    public var location: SourceLocation?
    public static let timeoutRange = SoftdogDriver.timeoutRange
    /// The module's name, for `delete_module`.
    public static let softdogModule = "softdog"

    public init(name: String, timeout: Int = 30, nowayout: Bool = false, stopOnUnregister: Bool = false,
                module: Bool = false, location: SourceLocation? = nil) {
        self.name = name
        self.timeout = timeout
        self.nowayout = nowayout
        self.stopOnUnregister = stopOnUnregister
        self.module = module
        self.location = location
    }
}

/// A misc device (major 10) bound by the built-in `misc-pipe` driver: `/dev/<node>` is a byte
/// pipe — a write appends, a read takes up to 16 bytes and sleeps while it is empty (EAGAIN
/// when opened non-blocking), `poll` reports POLLIN when bytes are queued, and the `fionread`
/// ioctl returns how many are. The buffer is the driver's devres memory.
public struct MiscDeviceSpec: Sendable, Equatable {
    /// The minors a scenario may request (`minor:`); the board hands out dynamic minors above
    /// them (misc.c keeps dynamic minors out of the static range too; 255 is MISC_DYNAMIC_MINOR).
    public static let staticMinors = 0...127

    /// The platform device's name ("misc-sim.0").
    public var name: String
    /// The node's name under /dev (`struct miscdevice`'s `name`).
    public var node: String
    /// A static minor (`MISC_DYNAMIC_MINOR` when nil: the lowest free one).
    public var minor: Int?
    public var location: SourceLocation?

    public init(name: String, node: String, minor: Int? = nil, location: SourceLocation? = nil) {
        self.name = name
        self.node = node
        self.minor = minor
        self.location = location
    }
}

/// A UART bound by the built-in `serial-loopback` driver: TX wired to RX, so what a program
/// writes to `/dev/ttyS<n>` comes back to be read. Unbinding it is a serial adapter unplugged:
/// open files are hung up (read 0, write EIO, poll HUP, drivers/tty/tty_io.c). With `serdev`
/// the port is claimed by a serdev client (`serdev-echo`) instead of getting a node.
public struct SerialPortSpec: Sendable, Equatable {
    /// The platform device's name ("serial-sim.0").
    public var name: String
    /// A serdev client on the port (`serial<N>-0`, bound by `serdev-echo`) instead of a node.
    public var serdev: Bool
    public var location: SourceLocation?

    public init(name: String, serdev: Bool = false, location: SourceLocation? = nil) {
        self.name = name
        self.serdev = serdev
        self.location = location
    }
}

/// An SD host controller bound by the built-in `sdhci-sim` driver, with a card of `blocks`
/// 512-byte blocks in its slot (the card's data is the driver's devres memory). The n-th is
/// `/dev/mmcblk<n>`: `read`/`write` move bytes at the file position, `BLKGETSIZE64` is the size.
/// Unbinding it is `mmc_remove_host`: old files get EIO for I/O and ENODEV for MMC_IOC_CMD.
public struct MMCHostSpec: Sendable, Equatable {
    public static let blockRange = 1...64
    /// The platform device's name ("sdhci-sim.0").
    public var name: String
    /// The card's capacity in 512-byte blocks (1…64).
    public var blocks: Int
    public var location: SourceLocation?

    public init(name: String, blocks: Int = SDHCISimDriver.defaultBlocks, location: SourceLocation? = nil) {
        self.name = name
        self.blocks = blocks
        self.location = location
    }
}
